// Backup export + restore of 10,000 messages (issue 17 item 9): the store of
// cold-open-fixture.ts (sealed text messages), exported through client.backups.export (argon2id
// with the app's parameters, then every message paged, framed, gzipped, sealed), restored into
// an empty database of the same inbox, then restored again (nothing new). Heap is sampled
// during each phase. `npx tsx bench/backup.ts [messages] [conversations]`. Node 24 on
// fake-indexeddb (whose IndexedDB is slower than Chromium's).
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { Client } from "../lib/client";
import * as storage from "../lib/storage";
import { fillStore } from "./cold-open-fixture";
import { runsAlone } from "./alone";

const PASS = "bench passphrase of some length 42";
const idb = { indexedDB, IDBKeyRange };
const opts = { apiUrl: "http://127.0.0.1:9", ...idb };
const MB = 1024 * 1024;

/** An empty database holding the same installation (the restore checks the inbox). */
async function emptyTwin(sourceDb: string): Promise<string> {
  const src = new storage.MessengerDb(sourceDb, idb);
  const identity = (await storage.loadIdentity(src))!;
  src.close();
  const name = `bench-backup-dst-${crypto.randomUUID()}`;
  const dst = new storage.MessengerDb(name, idb);
  await storage.saveIdentity(dst, identity);
  dst.close();
  return name;
}

export async function benchBackup(messages = 10_000, conversations = 20) {
  const source = `bench-backup-src-${crypto.randomUUID()}`;
  const address = await fillStore(source, idb, messages, conversations);
  let peak = 0;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().heapUsed));
  const heapBefore = process.memoryUsage().heapUsed;

  const from = await Client.restore(address, { ...opts, dbName: source });
  let kdfMs = 0;
  const t0 = performance.now();
  const { file, summary } = await from.backups.export(PASS, {
    onProgress: (p) => {
      sample();
      if (p.phase !== "key" && kdfMs === 0) kdfMs = performance.now() - t0;
    },
  });
  const exportMs = performance.now() - t0;
  const exportPeak = peak;
  await from.close();
  if (summary.messages !== messages) throw new Error(`exported ${summary.messages} messages`);

  const to = await Client.restore(address, { ...opts, dbName: await emptyTwin(source) });
  const t1 = performance.now();
  const restored = await to.backups.restore(file, PASS, { onProgress: sample });
  const restoreMs = performance.now() - t1;
  const t2 = performance.now();
  const again = await to.backups.restore(file, PASS);
  const againMs = performance.now() - t2;
  await to.close();
  if (restored.newMessages !== messages || again.newMessages !== 0)
    throw new Error(`restored ${restored.newMessages}, then ${again.newMessages}`);
  return {
    messages,
    fileKiB: Math.round(file.size / 1024),
    kdfMs: Math.round(kdfMs),
    exportMs: Math.round(exportMs),
    restoreMs: Math.round(restoreMs),
    restoreAgainMs: Math.round(againMs),
    // fake-indexeddb keeps the databases in the JS heap: the restore's growth includes the
    // restored rows themselves; the export's is argon2id's 19 MiB plus the frames in flight.
    exportHeapGrowthMiB: Math.round(((exportPeak - heapBefore) / MB) * 10) / 10,
    heapGrowthMiB: Math.round(((peak - heapBefore) / MB) * 10) / 10,
  };
}

if (runsAlone(import.meta.url)) {
  const [m, c] = process.argv.slice(2).map(Number);
  console.log(JSON.stringify(await benchBackup(m || undefined, c || undefined)));
  process.exit(0);
}
