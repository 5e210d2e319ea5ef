// Browser side of bench/cold-open-browser.ts: the same fixture on Chromium's real IndexedDB.
import { fillStore, firstScreen } from "./cold-open-fixture";

const idb = { indexedDB, IDBKeyRange };
declare global {
  interface Window {
    fill: typeof fill;
    coldOpen: typeof open;
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

window.fill = fill;
window.coldOpen = open;
