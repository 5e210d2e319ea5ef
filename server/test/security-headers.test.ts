// The CSP pieces: which inline scripts are hashed (exactly the bytes a browser hashes),
// and the policy built from them. The Playwright spec e2e/security-headers.spec.ts
// proves the hashes match what Chromium runs and blocks.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  avatarImageSources,
  contentSecurityPolicy,
  inlineScriptHashes,
  originOf,
  securityHeaders,
} from "../web/security-headers";

const sha = (s: string) => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`;

describe("inlineScriptHashes", () => {
  it("hashes inline scripts byte for byte, and skips external and data scripts", () => {
    const a = `(self.__next_f=self.__next_f||[]).push([0])`;
    const b = `self.__next_f.push([1,"héllo \\u003c/b\\u003e"])`;
    const html =
      `<html><head><script src="/_next/static/x.js" async=""></script><script>${a}</script></head>` +
      `<body><script id="x">${b}</script><script type="application/ld+json">{"a":1}</script>` +
      `<script></script><SCRIPT type="module">m()</SCRIPT></body></html>`;
    expect(inlineScriptHashes(html)).toEqual([sha(a), sha(b), sha("m()")]);
  });
});

describe("contentSecurityPolicy", () => {
  it("allows scripts only from self and the given hashes, and fetches only from self and the node", () => {
    const csp = contentSecurityPolicy({
      scriptHashes: [sha("x")],
      connectOrigins: [originOf("https://node.example.org/api/")!],
    });
    expect(csp).toContain(`script-src 'self' ${sha("x")};`);
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("connect-src 'self' https://node.example.org;");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(originOf("javascript:alert(1)")).toBeUndefined();
    expect(originOf("not a url")).toBeUndefined();
  });

  it("lets avatars load from https hosts only when names are looked up, and ipfs:// through the gateway", () => {
    const img = (imageSources: string[]) =>
      /img-src [^;]*/.exec(
        contentSecurityPolicy({ scriptHashes: [], connectOrigins: [], imageSources }),
      )?.[0];
    // No RPC for a names chain (here only one for smart-contract wallets on 10): no avatar host.
    expect(img(avatarImageSources({ rpcChainIds: [10n] }))).toBe("img-src 'self' data: blob:");
    expect(img(avatarImageSources({ rpcChainIds: [8453n] }))).toBe(
      "img-src 'self' data: blob: https:",
    );
    expect(avatarImageSources({ rpcChainIds: [5n], ensChainId: "5" })).toEqual(["https:"]);
    expect(
      avatarImageSources({ rpcChainIds: [1n], ipfsGateway: "http://127.0.0.1:8080/ipfs" }),
    ).toEqual(["https:", "http://127.0.0.1:8080"]);
  });

  it("sends no CSP under next dev, the other headers always", () => {
    expect(securityHeaders(undefined)).not.toHaveProperty("content-security-policy");
    expect(securityHeaders(undefined)["referrer-policy"]).toBe("no-referrer");
  });
});
