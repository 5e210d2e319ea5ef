// PGlite on a thread of its own (started by pglite-driver.ts): its WASM backend, most of a
// batched send's CPU, then runs beside the node's own JS (HTTP, protobuf, MLS framing,
// hashing) instead of taking turns with it on one thread. Requests come as messages and
// are answered in PGlite's own order: its mutexes serialise them exactly as in-process,
// and a transaction holds them until its commit or rollback message.
// Self-contained on purpose (node: modules and PGlite only, erasable TypeScript): the
// worker may run without tsx's loader, on Node's own type stripping.
import fs from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite, parse, protocol, type Transaction } from "@electric-sql/pglite";

/** What the driver asks; `tx`: inside that open transaction. */
export type Ask =
  | { op: "query" | "prepared"; text: string; params: unknown[]; tx?: number }
  | { op: "begin" | "commit" | "rollback"; tx: number }
  | { op: "close" };

export type Request = Ask & { id: number };

export type Reply =
  | { id: number; rows: Record<string, unknown>[] }
  | { id: number; error: Record<string, unknown> }
  | { ready: true }
  | { failed: Record<string, unknown> };

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

// PGlite's file layer (Emscripten's NODEFS) looks a file up with fs.lstatSync, which throws
// a new Error with its stack for a missing one. Postgres looks for a btree index's free-space
// map at every page split, and these indexes never get one (only VACUUM of deleted pages
// makes it): 7 % of this thread's time in a batched run went to those lookups, mostly
// building the exceptions. Same answer here (an error with code ENOENT, all NODEFS reads),
// from one error made once. Only this thread's `fs` is changed.
const lstatSync = fs.lstatSync;
const missing = Object.assign(new Error("ENOENT: no such file or directory, lstat"), {
  code: "ENOENT",
});
Object.assign(fs, {
  lstatSync: (file: fs.PathLike, options?: fs.StatSyncOptions) => {
    const st = lstatSync(file, { ...options, throwIfNoEntry: false });
    if (st === undefined) throw missing;
    return st;
  },
});

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
  // One call per round: PGlite runs every message of a buffer before it returns, and throws
  // the backend's error once the closing Sync has brought it back to idle.
  const send = async (...parts: Uint8Array[]) =>
    (await db.execProtocol(Buffer.concat([...parts, s.sync()]), {})).messages;
  /** Whether `text` is (or may become) a named statement: a few dozen texts, bounded. */
  const takes = (text: string) => names.has(text) || names.size < MAX_NAMED;
  const query = (text: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> =>
    db._runExclusiveTransaction(() =>
      db._runExclusiveQuery(async () => {
        // As PGlite's own query: past close() the WASM backend is gone.
        if (db.closed) throw new Error("PGlite is closed");
        let st = names.get(text);
        if (!st) {
          const name = `node_${made++}`;
          const described = await send(
            s.parse({ name, text, types: [] }),
            s.describe({ type: "S", name }),
          );
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
        const messages = await send(
          s.bind({ statement: name, values }),
          s.describe({ type: "P" }),
          s.execute({}),
        );
        return (parse.parseResults(messages, db.parsers)[0]?.rows ?? []) as Record<
          string,
          unknown
        >[];
      }),
    );
  return { takes, query };
}

/** An error as plain fields (a DatabaseError's code, detail, … survive the message). */
function fields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  return { ...err, name: err.name, message: err.message };
}

/** An open transaction: its handle, and how to end it. */
interface OpenTx {
  tx: Transaction;
  end: (commit: boolean) => void;
  done: Promise<void>;
}

async function serve(port: NonNullable<typeof parentPort>, pgdata: string): Promise<void> {
  let db: PGlite;
  try {
    db = new PGlite(pgdata, byteaCodec);
    await db.waitReady;
  } catch (err) {
    port.postMessage({ failed: fields(err) } satisfies Reply);
    return;
  }
  const named = namedStatements(db);
  const txs = new Map<number, OpenTx>();
  const rollback = new Error("rolled back");
  const run = async (req: Request): Promise<Record<string, unknown>[]> => {
    switch (req.op) {
      case "query":
      case "prepared": {
        if (req.tx !== undefined) {
          const open = txs.get(req.tx);
          if (!open) throw new Error("transaction is over");
          return (await open.tx.query<Record<string, unknown>>(req.text, req.params)).rows;
        }
        // Every statement outside a transaction goes prepared (one connection, so
        // "prepared" and a plain query are the same thing here), up to the bound.
        if (named.takes(req.text)) return named.query(req.text, req.params);
        return (await db.query<Record<string, unknown>>(req.text, req.params)).rows;
      }
      case "begin":
        return new Promise((entered, failed) => {
          let end!: (commit: boolean) => void;
          const done = db
            .transaction(async (tx) => {
              const ended = new Promise<boolean>((resolve) => (end = resolve));
              txs.set(req.tx, { tx, end, done });
              entered([]);
              if (!(await ended)) throw rollback;
            })
            .catch((err) => {
              if (err !== rollback) throw err;
            })
            .finally(() => txs.delete(req.tx));
          done.catch(failed); // failed before it began (else reported by commit)
        });
      case "commit":
      case "rollback": {
        const open = txs.get(req.tx);
        if (!open) throw new Error("transaction is over");
        open.end(req.op === "commit");
        await open.done;
        return [];
      }
      case "close":
        await db.close();
        return [];
    }
  };
  port.on("message", (req: Request) => {
    run(req).then(
      (rows) => port.postMessage({ id: req.id, rows } satisfies Reply),
      (err) => port.postMessage({ id: req.id, error: fields(err) } satisfies Reply),
    );
  });
  port.postMessage({ ready: true } satisfies Reply);
}

if (parentPort) void serve(parentPort, (workerData as { pgdata: string }).pgdata);
