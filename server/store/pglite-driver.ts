// Embedded PGlite in a data folder, guarded by a lock file (PGlite itself does not
// stop a second process from opening the same folder and corrupting it). PGlite runs on a
// thread of its own (pglite-worker.ts), asked by message.
import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { prepareParams, type Driver, type Row, type Sql } from "./driver";
import type { Ask, Reply, Request } from "./pglite-worker";

export class DataDirLockedError extends Error {
  readonly code = "data_dir_locked";
  readonly retryable = false;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes DATA_DIR/node.lock (O_EXCL); a lock left by a dead process is taken over. */
const heldHere = new Set<string>();

function acquireLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, "node.lock");
  if (heldHere.has(lockPath))
    throw new DataDirLockedError(`DATA_DIR ${dataDir} is already open in this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      heldHere.add(lockPath);
      return () => {
        heldHere.delete(lockPath);
        try {
          if (fs.readFileSync(lockPath, "utf8") === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(fs.readFileSync(lockPath, "utf8").trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) {
        throw new DataDirLockedError(
          `DATA_DIR ${dataDir} is in use by process ${holder} (lock file ${lockPath})`,
        );
      }
      fs.unlinkSync(lockPath); // stale: its process is gone
    }
  }
  throw new DataDirLockedError(`DATA_DIR ${dataDir}: could not take the lock file ${lockPath}`);
}

/** The PGlite thread (pglite-worker.ts), asked by message. */
function startWorker(pgdata: string): Worker {
  return new Worker(new URL("./pglite-worker.ts", import.meta.url), { workerData: { pgdata } });
}

/** An error from the worker, with the database's fields (code, detail, …) as it sent them. */
function rebuilt(f: Record<string, unknown>): Error {
  return Object.assign(new Error(String(f.message)), f);
}

export async function openPglite(dataDir: string): Promise<Driver> {
  fs.mkdirSync(dataDir, { recursive: true });
  const release = acquireLock(dataDir);
  let worker: Worker | undefined;
  try {
    const starting = (worker = startWorker(path.join(dataDir, "pgdata")));
    await new Promise<void>((ready, failed) => {
      starting.once("error", failed);
      starting.once("exit", (code) => failed(new Error(`PGlite's thread exited (${code})`)));
      starting.once("message", (m: Reply) =>
        "ready" in m
          ? ready()
          : failed(rebuilt("failed" in m ? m.failed : { message: "no start" })),
      );
    });
  } catch (err) {
    await worker?.terminate();
    release();
    throw err;
  }
  const pending = new Map<number, { resolve: (rows: Row[]) => void; reject: (e: Error) => void }>();
  let next = 0;
  let gone: Error | undefined; // closed, or the thread died: every request is refused
  const end = (err: Error) => {
    gone ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on("message", (m: Reply) => {
    if (!("id" in m)) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) worker.unref(); // an idle store keeps no process alive
    if ("error" in m) p.reject(rebuilt(m.error));
    else p.resolve(m.rows);
  });
  worker.on("error", (err) => end(err));
  worker.on("exit", () => end(new Error("PGlite is closed")));
  worker.unref();
  const ask = <R extends Row>(req: Ask): Promise<R[]> => {
    if (gone) return Promise.reject(gone);
    const id = next++;
    if (pending.size === 0) worker.ref();
    return new Promise<R[]>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (rows: Row[]) => void, reject });
      worker.postMessage({ ...req, id } satisfies Request);
    });
  };
  const sqlIn = (tx?: number): Sql => ({
    query: <R extends Row = Row>(text: string, params?: readonly unknown[]) =>
      ask<R>({ op: "query", text, params: prepareParams(params), tx }),
  });
  const query = <R extends Row = Row>(text: string, params?: readonly unknown[]) =>
    ask<R>({ op: "prepared", text, params: prepareParams(params) });
  let txs = 0;
  return {
    kind: "pglite",
    query,
    prepared: query,
    async transaction(fn) {
      const tx = txs++;
      await ask({ op: "begin", tx });
      let out;
      try {
        out = await fn(sqlIn(tx));
      } catch (err) {
        await ask({ op: "rollback", tx }).catch(() => undefined);
        throw err;
      }
      await ask({ op: "commit", tx });
      return out;
    },
    // One connection, one process: the lock file already excludes everyone else.
    withSessionLock: (_key, fn) => fn(sqlIn()),
    async close() {
      try {
        if (!gone) await ask({ op: "close" });
        end(new Error("PGlite is closed"));
        await worker.terminate();
      } finally {
        release();
      }
    },
  };
}
