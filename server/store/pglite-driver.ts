// Embedded PGlite in a data folder, guarded by a lock file (PGlite itself does not
// stop a second process from opening the same folder and corrupting it).
import fs from "node:fs";
import path from "node:path";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { prepareParams, type Driver, type Row, type Sql } from "./driver";

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

// PGlite's own bytea codec goes byte by byte in JS (Array.from + padStart one way, parseInt
// per byte pair the other): a 100-message insert, whose envelopes travel as one bytea per
// column (envelope-sql.ts), spent most of its time there. Node's hex codec is native.
const BYTEA_OID = 17;
const byteaCodec = {
  serializers: {
    [BYTEA_OID]: (v: unknown) => {
      if (!(v instanceof Uint8Array)) throw new Error("Invalid input for bytea type");
      return "\\x" + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex");
    },
  },
  parsers: { [BYTEA_OID]: (text: string) => new Uint8Array(Buffer.from(text.slice(2), "hex")) },
};

function wrap(q: PGlite | Transaction): Sql {
  return {
    async query<R extends Row = Row>(text: string, params?: readonly unknown[]) {
      const res = await q.query<R>(text, prepareParams(params));
      return res.rows;
    },
  };
}

export async function openPglite(dataDir: string): Promise<Driver> {
  fs.mkdirSync(dataDir, { recursive: true });
  const release = acquireLock(dataDir);
  let db: PGlite;
  try {
    db = new PGlite(path.join(dataDir, "pgdata"), byteaCodec);
    await db.waitReady;
  } catch (err) {
    release();
    throw err;
  }
  const sql = wrap(db);
  return {
    kind: "pglite",
    query: sql.query,
    prepared: sql.query, // one in-process connection: PGlite caches nothing per name
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    // One connection, one process: the lock file already excludes everyone else.
    withSessionLock: (_key, fn) => fn(sql),
    async close() {
      try {
        await db.close();
      } finally {
        release();
      }
    },
  };
}
