// Browser side of bench/cold-open-browser.ts: the same fixture on Chromium's real IndexedDB.
import { fillStore, firstScreen } from "./cold-open-fixture";

const idb = { indexedDB, IDBKeyRange };
declare global {
  interface Window {
    coldOpen: typeof coldOpen;
  }
}

async function coldOpen(messages: number, conversations: number, runs: number) {
  const dbName = `bench-cold-${crypto.randomUUID()}`;
  const t0 = performance.now();
  const address = await fillStore(dbName, idb, messages, conversations);
  const fillMs = performance.now() - t0;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push((await firstScreen(dbName, address, idb)).ms);
  return { fillMs, samples };
}

window.coldOpen = coldOpen;
