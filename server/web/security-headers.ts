// Security headers for every response of the web app (Next), set by server/main.ts.
//
// Why hashes, not nonces: every page is a prerendered static shell (`next build`),
// served as is and cached by the service worker (public/sw.js) for offline starts.
// A per-request nonce would force Next to render each page per request, and a
// cached shell would replay an old nonce anyway. The inline scripts of a build are
// fixed bytes (Next's bootstrap and flight data, our "returning user" redirect), so
// at startup we hash every inline <script> of the build's prerendered HTML and
// allow exactly those: the same build always serves the same scripts, a cached shell
// keeps a header that matches it, and an injected inline script (any bytes not in
// the build) does not run. One policy lists the hashes of all pages: a hash allowed
// on page A runs only bytes the build itself put on page B.
//
// `next dev` needs eval and unhashed inline scripts: no CSP there (the other headers stay).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** sha256 source expressions ('sha256-…') of the inline scripts of one HTML document. */
export function inlineScriptHashes(html: string): string[] {
  const out: string[] = [];
  // Script elements are raw text: the content runs up to the first "</script".
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script/gi)) {
    const attrs = m[1] ?? "";
    const body = m[2] ?? "";
    if (/\bsrc\s*=/i.test(attrs) || body === "") continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1]?.toLowerCase();
    if (type && type !== "text/javascript" && type !== "module") continue; // data, not code
    out.push(`'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);
  }
  return out;
}

/** Hashes of every inline script in the build's prerendered pages (`.next/server/{app,pages}`). */
export function buildInlineScriptHashes(nextDir: string): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // no such folder in this build
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".html")) {
        for (const h of inlineScriptHashes(fs.readFileSync(p, "utf8"))) found.add(h);
      }
    }
  };
  walk(path.join(nextDir, "server", "app"));
  walk(path.join(nextDir, "server", "pages"));
  return [...found].sort();
}

/** The origin of an http(s) URL, or undefined (a bad value must not widen the policy). */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

export interface PolicyOptions {
  /** 'sha256-…' expressions of the inline scripts allowed to run. */
  scriptHashes: string[];
  /** Origins besides 'self' the app may fetch from (the configured node). */
  connectOrigins: string[];
  /** Image sources besides 'self' data: blob: (ENS avatars; see avatarImageSources). */
  imageSources?: string[];
}

/**
 * Where ENS / Basename avatars may load from: any https host (a person's avatar is wherever
 * they put it) plus the IPFS gateway, but only when the build looks names up at all (an RPC
 * for the ENS or Basenames chain). Without one no avatar is fetched, and the policy says so.
 */
export function avatarImageSources(env: {
  rpcChainIds: bigint[];
  ensChainId?: string | undefined;
  basenamesChainId?: string | undefined;
  ipfsGateway?: string | undefined;
}): string[] {
  const id = (v: string | undefined, fallback: bigint) =>
    v && /^\d+$/.test(v) ? BigInt(v) : fallback;
  const namesChains = [id(env.ensChainId, 1n), id(env.basenamesChainId, 8453n)];
  if (!env.rpcChainIds.some((id) => namesChains.includes(id))) return [];
  const gateway = originOf(env.ipfsGateway);
  return ["https:", ...(gateway && !gateway.startsWith("https:") ? [gateway] : [])];
}

export function contentSecurityPolicy(opts: PolicyOptions): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${opts.scriptHashes.join(" ")}`.trim(),
    // React renders style="" attributes and the wallet modal injects <style>: styles
    // cannot run code, so they stay allowed inline.
    "style-src 'self' 'unsafe-inline'",
    `connect-src 'self' ${opts.connectOrigins.join(" ")}`.trim(),
    // Decrypted attachments are shown from blob: URLs; avatars and icons may be data: URLs.
    `img-src 'self' data: blob: ${(opts.imageSources ?? []).join(" ")}`.trim(),
    "media-src 'self' blob:",
    "font-src 'self' data:",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Powerful features the app never uses, off for every frame. */
const PERMISSIONS_POLICY = [
  "camera",
  "microphone",
  "geolocation",
  "payment",
  "usb",
  "serial",
  "hid",
  "bluetooth",
  "midi",
  "accelerometer",
  "gyroscope",
  "magnetometer",
  "display-capture",
  "screen-wake-lock",
  "xr-spatial-tracking",
]
  .map((f) => `${f}=()`)
  .join(", ");

/** Headers for every app response; `csp` undefined = none (next dev). */
export function securityHeaders(csp: string | undefined): Record<string, string> {
  return {
    ...(csp ? { "content-security-policy": csp } : {}),
    "referrer-policy": "no-referrer",
    "permissions-policy": PERMISSIONS_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY", // frame-ancestors for browsers without CSP 2
  };
}
