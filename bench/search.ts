// Search across local history (issue 17 item 3, budget: 10,000 messages searched in ≤ 50 ms):
// a store of 10,000 sealed messages (bench/cold-open-fixture.ts), then client.search — the
// first one opens every row into the in-memory index (build), the next ones are timed alone.
// `npx tsx bench/search.ts [messages] [conversations] [runs]`. Node 24 on fake-indexeddb:
// the query is pure in-memory work (no IndexedDB), the build is dominated by AES-GCM opens.
// The same runs in Chromium: bench/search-browser.ts.
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { Client } from "../lib/client";
import { fillStore } from "./cold-open-fixture";
import { searchRuns } from "./search-runs";
import { runsAlone } from "./alone";

export async function benchSearch(messages = 10_000, conversations = 20, runs = 30) {
  const dbName = `bench-search-${crypto.randomUUID()}`;
  const idb = { indexedDB, IDBKeyRange };
  const address = await fillStore(dbName, idb, messages, conversations);
  const client = await Client.restore(address, { apiUrl: "http://127.0.0.1:9", dbName, ...idb });
  try {
    return await searchRuns(client, messages, runs);
  } finally {
    await client.close();
  }
}

if (runsAlone(import.meta.url)) {
  const [m, c, r] = process.argv.slice(2).map(Number);
  const { buildMs, results } = await benchSearch(m || undefined, c || undefined, r || undefined);
  console.log(`index built (first search) in ${buildMs.toFixed(0)} ms`);
  for (const r of results) console.log(JSON.stringify(r));
  process.exit(0);
}
