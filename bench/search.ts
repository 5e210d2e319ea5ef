// Search across local history (issue 17 item 3, budget: 10,000 messages searched in ≤ 50 ms):
// a store of 10,000 sealed messages (bench/cold-open-fixture.ts), then client.search — the
// first one opens every row into the in-memory index (build), the next ones are timed alone.
// `npx tsx bench/search.ts [messages] [conversations] [runs]`. Node 24 on fake-indexeddb:
// the query is pure in-memory work (no IndexedDB), the build is dominated by AES-GCM opens.
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { Client } from "../lib/client";
import { fillStore } from "./cold-open-fixture";
import { summary, time } from "./stats";
import { runsAlone } from "./alone";

// A rare match (one message), a common one (every message; the newest 50 are kept), a miss.
const QUERIES = (messages: number) => [`message ${messages - 7}:`, "LOREM", "no such words"];

export async function benchSearch(messages = 10_000, conversations = 20, runs = 30) {
  const dbName = `bench-search-${crypto.randomUUID()}`;
  const idb = { indexedDB, IDBKeyRange };
  const address = await fillStore(dbName, idb, messages, conversations);
  const client = await Client.restore(address, { apiUrl: "http://127.0.0.1:9", dbName, ...idb });
  const buildMs = await time(() => client.search("warm up"));
  const results = [];
  for (const q of QUERIES(messages)) {
    const found = await client.search(q);
    const hits = found.reduce((n, g) => n + g.messages.length, 0);
    if (q !== "no such words" && hits === 0) throw new Error(`"${q}" found nothing`);
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await time(() => client.search(q)));
    results.push({ ...summary(`search "${q}" in ${messages} messages (${hits} shown)`, samples) });
  }
  await client.close();
  return { buildMs, results };
}

if (runsAlone(import.meta.url)) {
  const [m, c, r] = process.argv.slice(2).map(Number);
  const { buildMs, results } = await benchSearch(m || undefined, c || undefined, r || undefined);
  console.log(`index built (first search) in ${buildMs.toFixed(0)} ms`);
  for (const r of results) console.log(JSON.stringify(r));
  process.exit(0);
}
