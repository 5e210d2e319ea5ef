// Browser side of the Chromium benches (bench/in-chromium.ts): the cold-open fixture on
// Chromium's real IndexedDB, a cold open, and the search runs.
import { Client } from "../lib/client";
import { fillStore, firstScreen } from "./cold-open-fixture";
import { searchRuns } from "./search-runs";

const idb = { indexedDB, IDBKeyRange };
declare global {
  interface Window {
    fill: typeof fill;
    coldOpen: typeof open;
    searchRuns: typeof runSearches;
  }
}

async function fill(messages: number, conversations: number) {
  const dbName = `bench-cold-${crypto.randomUUID()}`;
  const address = await fillStore(dbName, idb, messages, conversations);
  return { dbName, address };
}

/** One cold open in this (fresh) page; the Node side loads a new page for every run. */
async function open(dbName: string, address: string) {
  return (await firstScreen(dbName, address, idb)).ms;
}

/** bench/search.ts's runs on a client of the filled store. */
async function runSearches(dbName: string, address: string, messages: number, runs: number) {
  const client = await Client.restore(address, { apiUrl: "http://127.0.0.1:9", dbName, ...idb });
  try {
    return await searchRuns(client, messages, runs);
  } finally {
    await client.close();
  }
}

window.fill = fill;
window.searchRuns = runSearches;
window.coldOpen = open;
