// The library in Chromium (real IndexedDB, real WebCrypto) for benches: bundles
// bench/browser-entry.ts with esbuild (tsx's own), serves it on 127.0.0.1 (a secure context
// for WebCrypto) and hands the caller a way to open fresh pages of one profile, in
// /usr/bin/chromium through Playwright.
import { build } from "esbuild";
import { createServer } from "node:http";
import { chromium, type Page } from "@playwright/test";

/** A bench's browser entry (a path from this folder) bundled for Chromium, as one ES module. */
export async function browserBundle(entry: string): Promise<string> {
  const bundle = await build({
    entryPoints: [new URL(entry, import.meta.url).pathname],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    define: { "process.env.NODE_ENV": '"production"' },
  });
  return bundle.outputFiles[0]!.text;
}

/** Runs `run` with `load()`, which opens a new page (a fresh JS realm) with the entry loaded. */
export async function inChromium<T>(run: (load: () => Promise<Page>) => Promise<T>): Promise<T> {
  const js = await browserBundle("./browser-entry.ts");
  const server = createServer((req, res) => {
    if (req.url === "/bench.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(js);
    } else {
      res.writeHead(200, { "content-type": "text/html" });
      res.end('<!doctype html><script type="module" src="/bench.js"></script>');
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
  try {
    // One profile (one IndexedDB) for every page.
    const context = await browser.newContext();
    return await run(async () => {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => typeof window.fill === "function");
      return page;
    });
  } finally {
    await browser.close();
    server.close();
  }
}
