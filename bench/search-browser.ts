// Search in Chromium (issue 17 item 3: 10,000 messages searched in ≤ 50 ms in Chromium): the
// fixture filled on real IndexedDB, then bench/search.ts's runs in the page.
// `npx tsx bench/search-browser.ts [messages] [conversations] [runs]`.
import { inChromium } from "./in-chromium";
import { runsAlone } from "./alone";

export async function benchSearchBrowser(messages = 10_000, conversations = 20, runs = 30) {
  return inChromium(async (load) => {
    const page = await load();
    const { dbName, address } = await page.evaluate(
      ([m, c]) => window.fill(m!, c!),
      [messages, conversations],
    );
    return page.evaluate(([n, a, m, r]) => window.searchRuns(n!, a!, m!, r!), [
      dbName,
      address,
      messages,
      runs,
    ] as const);
  });
}

if (runsAlone(import.meta.url)) {
  const [m, c, r] = process.argv.slice(2).map(Number);
  const { buildMs, results } = await benchSearchBrowser(
    m || undefined,
    c || undefined,
    r || undefined,
  );
  console.log(`index built (first search) in ${buildMs.toFixed(0)} ms (Chromium)`);
  for (const x of results) console.log(JSON.stringify({ ...x, name: `${x.name} (Chromium)` }));
  process.exit(0);
}
