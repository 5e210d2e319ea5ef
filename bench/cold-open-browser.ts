// Cold open in Chromium (real IndexedDB, real WebCrypto): bundles bench/cold-open-browser-entry.ts
// with esbuild (tsx's own), serves it on 127.0.0.1 (a secure context for WebCrypto) and runs it
// in /usr/bin/chromium through Playwright. `npx tsx bench/cold-open-browser.ts [messages] [conversations] [runs]`.
import { build } from "esbuild";
import { createServer } from "node:http";
import { chromium } from "@playwright/test";
import { summary } from "./stats";
import { runsAlone } from "./alone";

export async function benchColdOpenBrowser(messages = 10_000, conversations = 20, runs = 15) {
  const bundle = await build({
    entryPoints: [new URL("./cold-open-browser-entry.ts", import.meta.url).pathname],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    define: { "process.env.NODE_ENV": '"production"' },
  });
  const js = bundle.outputFiles[0]!.text;
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
    // One profile (one IndexedDB); a new page per run, so every open starts a fresh JS realm
    // (module init, WebCrypto key import, first IndexedDB open) as a reload does.
    const context = await browser.newContext();
    const load = async () => {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => typeof window.fill === "function");
      return page;
    };
    const filler = await load();
    const t0 = performance.now();
    const { dbName, address } = await filler.evaluate(
      ([m, c]) => window.fill(m!, c!),
      [messages, conversations],
    );
    const fillMs = performance.now() - t0;
    await filler.close();
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await load();
      samples.push(await page.evaluate(([n, a]) => window.coldOpen(n!, a!), [dbName, address]));
      await page.close();
    }
    return {
      fillMs,
      result: summary(
        `cold open, ${messages} messages in ${conversations} conversations: list + first 50 (Chromium, IndexedDB)`,
        samples,
      ),
    };
  } finally {
    await browser.close();
    server.close();
  }
}

if (runsAlone(import.meta.url)) {
  const [m, c, r] = process.argv.slice(2).map(Number);
  const out = await benchColdOpenBrowser(m || undefined, c || undefined, r || undefined);
  console.log(`filled in ${out.fillMs.toFixed(0)} ms`);
  console.log(JSON.stringify(out.result));
  process.exit(0);
}
