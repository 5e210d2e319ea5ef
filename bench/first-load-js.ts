// `npx tsx bench/first-load-js.ts` (after `next build`): first-load JS per route —
// every <script src> chunk in the route's prerendered HTML, gzipped (node:zlib,
// default level, like a server's gzip) and summed. Next 16 no longer prints this.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { runsAlone } from "./alone";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const NEXT = join(ROOT, ".next");
const ROUTES = ["/", "/conversations", "/settings", "/onboarding", "/devices"];
/** Budgets: ARCHITECTURE's for the signed-in pages; issue 16's for the landing page (the wallet stack loads on demand). */
const BUDGETS_KIB: Record<string, number> = { "/": 200, "/conversations": 300, "/settings": 300 };

type Chunk = { src: string; raw: number; gzip: number };

function htmlOf(route: string): string {
  const file = join(NEXT, "server", "app", route === "/" ? "index.html" : `${route.slice(1)}.html`);
  if (!existsSync(file))
    throw new Error(`${file} not found: run \`next build\` first (is ${route} static?)`);
  return readFileSync(file, "utf8");
}

/** `<script src>` chunks; `noModule` ones (legacy polyfills) are never fetched by a
 * browser with ES modules, so they are counted apart. */
function scriptChunks(html: string): { modern: string[]; legacy: string[] } {
  const modern = new Set<string>();
  const legacy = new Set<string>();
  for (const m of html.matchAll(/<script\b([^>]*)>/g)) {
    const src = /\bsrc="([^"]+)"/.exec(m[1]!)?.[1]?.replace(/&amp;/g, "&");
    if (!src) continue;
    (/\bnomodule\b/i.test(m[1]!) ? legacy : modern).add(src);
  }
  return { modern: [...modern], legacy: [...legacy] };
}

const cache = new Map<string, Chunk>();
function measure(src: string): Chunk {
  const hit = cache.get(src);
  if (hit) return hit;
  const path = new URL(src, "http://x").pathname;
  if (!path.startsWith("/_next/static/")) throw new Error(`unexpected script ${src}`);
  const bytes = readFileSync(
    join(NEXT, "static", decodeURIComponent(path.slice("/_next/static/".length))),
  );
  const chunk = { src: path, raw: bytes.length, gzip: gzipSync(bytes).length };
  cache.set(src, chunk);
  return chunk;
}

const kib = (n: number) => (n / 1024).toFixed(1);

export function firstLoadJs(): {
  route: string;
  chunks: Chunk[];
  raw: number;
  gzip: number;
  legacyGzip: number;
}[] {
  return ROUTES.map((route) => {
    const { modern, legacy } = scriptChunks(htmlOf(route));
    const chunks = modern.map(measure);
    return {
      route,
      chunks,
      legacyGzip: legacy.map(measure).reduce((s, c) => s + c.gzip, 0),
      raw: chunks.reduce((s, c) => s + c.raw, 0),
      gzip: chunks.reduce((s, c) => s + c.gzip, 0),
    };
  });
}

if (runsAlone(import.meta.url)) {
  const rows = firstLoadJs();
  console.log(
    "| route | scripts | raw | gzip | budget | + nomodule polyfills (old browsers only) |\n|---|---|---|---|---|---|",
  );
  for (const r of rows) {
    const cap = BUDGETS_KIB[r.route];
    const budget =
      cap === undefined ? "—" : r.gzip / 1024 <= cap ? `≤ ${cap} KiB ✓` : `> ${cap} KiB ✗`;
    console.log(
      `| ${r.route} | ${r.chunks.length} | ${kib(r.raw)} KiB | ${kib(r.gzip)} KiB | ${budget} | ${kib(r.legacyGzip)} KiB |`,
    );
  }
  for (const r of rows) {
    const top = [...r.chunks].sort((x, y) => y.gzip - x.gzip).slice(0, 5);
    console.log(
      `\nBiggest chunks of ${r.route} (gzip): ${top.map((c) => `${c.src.split("/").pop()} ${kib(c.gzip)} KiB`).join(", ")}`,
    );
  }
  const over = rows.filter((r) => r.gzip / 1024 > (BUDGETS_KIB[r.route] ?? Infinity));
  if (over.length) {
    console.error(`\nOver budget: ${over.map((r) => r.route).join(", ")}`);
    process.exitCode = 1;
  }
}
