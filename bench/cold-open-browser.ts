// Cold open in Chromium (real IndexedDB, real WebCrypto, bench/in-chromium.ts).
// `npx tsx bench/cold-open-browser.ts [messages] [conversations] [runs]`.
import { inChromium } from "./in-chromium";
import { summary } from "./stats";
import { runsAlone } from "./alone";

export async function benchColdOpenBrowser(messages = 10_000, conversations = 20, runs = 15) {
  return inChromium(async (load) => {
    // A new page per run, so every open starts a fresh JS realm (module init, WebCrypto key
    // import, first IndexedDB open) as a reload does.
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
  });
}

if (runsAlone(import.meta.url)) {
  const [m, c, r] = process.argv.slice(2).map(Number);
  const out = await benchColdOpenBrowser(m || undefined, c || undefined, r || undefined);
  console.log(`filled in ${out.fillMs.toFixed(0)} ms`);
  console.log(JSON.stringify(out.result));
  process.exit(0);
}
