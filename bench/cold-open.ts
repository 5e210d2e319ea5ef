// Cold open of a store holding 10,000 messages (issue 11 item 17, issue 13 budget ≤ 400 ms to
// the last message on screen): open the database, unwrap the data key, open the identity, list
// and open the conversation list, and open + decode the first screen (50 messages) of the
// newest thread. `npx tsx bench/cold-open.ts [messages] [conversations] [runs]`.
// Runs on fake-indexeddb in Node; bench/cold-open-browser.ts runs the same in Chromium.
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { fillStore, firstScreen } from "./cold-open-fixture";
import { summary } from "./stats";
import { runsAlone } from "./alone";

export async function benchColdOpen(messages = 10_000, conversations = 20, runs = 15) {
  const dbName = `bench-cold-${crypto.randomUUID()}`;
  const idb = { indexedDB, IDBKeyRange };
  const t0 = performance.now();
  const address = await fillStore(dbName, idb, messages, conversations);
  const fillMs = performance.now() - t0;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push((await firstScreen(dbName, address, idb)).ms);
  return {
    fillMs,
    result: summary(
      `cold open, ${messages} messages in ${conversations} conversations: list + first 50 (Node, fake-indexeddb)`,
      samples,
    ),
  };
}

if (runsAlone(import.meta.url)) {
  const [m, c, r] = process.argv.slice(2).map(Number);
  const { fillMs, result } = await benchColdOpen(m || undefined, c || undefined, r || undefined);
  console.log(`filled in ${fillMs.toFixed(0)} ms`);
  console.log(JSON.stringify(result));
  process.exit(0);
}
