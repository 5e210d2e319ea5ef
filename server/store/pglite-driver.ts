// Embedded PGlite in a data folder, guarded by a lock file (PGlite itself does not
// stop a second process from opening the same folder and corrupting it).
import fs from "node:fs";
import path from "node:path";
import { PGlite, parse, protocol, type Transaction } from "@electric-sql/pglite";
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

/** Distinct statement texts kept prepared at most (the node has a few dozen). */
const MAX_NAMED = 256;

/**
 * Statements parsed and planned once. PGlite's `query` sends its text as an unnamed statement
 * (parse, describe, bind, describe, execute, sync), so Postgres parses, analyses and plans it
 * on every call: a one-row page read cost ~1 ms of CPU that way and ~0.3 ms bound to a named
 * statement (bench/README.md, session 10), and the send's INSERT is a larger statement. Same
 * locks as `query` (PGlite's transaction and query mutexes), same type serialisers and
 * parsers, same errors (DatabaseError from the backend). Postgres re-plans a named statement
 * by itself when a table it uses changes.
 */
function namedStatements(db: PGlite) {
  const names = new Map<string, { name: string; types: number[] }>();
  let made = 0; // never reused: a statement parsed whose describe then failed still exists
  const s = protocol.serialize;
  const send = async (message: Uint8Array) => (await db.execProtocol(message, {})).messages;
  /** Whether `text` is (or may become) a named statement: a few dozen texts, bounded. */
  const takes = (text: string) => names.has(text) || names.size < MAX_NAMED;
  const query = <R extends Row>(text: string, params: readonly unknown[]): Promise<R[]> =>
    db._runExclusiveTransaction(() =>
      db._runExclusiveQuery(async () => {
        // As PGlite's own query: past close() the WASM backend is gone, and the protocol
        // calls below would fail with a TypeError from inside it (a retention pass that was
        // running when the node closed met exactly that).
        if (db.closed) throw new Error("PGlite is closed");
        const messages = [];
        try {
          let st = names.get(text);
          if (!st) {
            const name = `node_${made++}`;
            await send(s.parse({ name, text, types: [] }));
            const described = await send(s.describe({ type: "S", name }));
            const types = described.find((m) => m.name === "parameterDescription") as
              { dataTypeIDs?: number[] } | undefined;
            st = { name, types: types?.dataTypeIDs ?? [] };
            names.set(text, st);
          }
          const { name, types } = st;
          const values = params.map((v, i) => {
            if (v === null || v === undefined) return null;
            // A bytea goes in binary (PGlite's bind sends a Uint8Array so): as text, a batch's
            // packed data was hex-encoded here, measured char by char for its UTF-8 length by
            // PGlite's writer, and hex-decoded again inside the WASM backend.
            if (types[i] === BYTEA_OID && v instanceof Uint8Array) return v;
            const serialize = db.serializers[types[i]!];
            return serialize ? serialize(v) : String(v);
          });
          messages.push(
            ...(await send(s.bind({ statement: name, values }))),
            ...(await send(s.describe({ type: "P" }))),
            ...(await send(s.execute({}))),
          );
        } finally {
          messages.push(...(await send(s.sync())));
        }
        return (parse.parseResults(messages, db.parsers)[0]?.rows ?? []) as R[];
      }),
    );
  return { takes, query };
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
  const named = namedStatements(db);
  // Every statement outside a transaction (the stream's page reads as well as the send's
  // INSERT): one connection, so "prepared" and a plain query are the same thing here. Past
  // the bound, a text is parsed each time, as before.
  const query = <R extends Row = Row>(text: string, params?: readonly unknown[]) =>
    named.takes(text) ? named.query<R>(text, prepareParams(params)) : sql.query<R>(text, params);
  return {
    kind: "pglite",
    query,
    prepared: query,
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
