// PostgreSQL through a pg Pool; LISTEN on one dedicated connection that reconnects.
import { createHash } from "node:crypto";
import pg from "pg";
import { prepareParams, type Driver, type Row, type Sql } from "./driver";
import { errorFields, log } from "../log";

function wrap(q: pg.Pool | pg.PoolClient): Sql {
  return {
    async query<R extends Row = Row>(text: string, params?: readonly unknown[]) {
      const res = await q.query(text, prepareParams(params));
      return res.rows as R[];
    },
  };
}

/** A statement's name for pg's per-connection prepared statements: its text's hash. */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `m_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Pipelined connections for the sends (preparedThen): two writers × store.ts's two slots.
 * A connection still running a wake-up holds its slot's next statement back only when
 * all four are busy.
 */
const PIPELINED_CONNECTIONS = 4;

export async function openPostgres(url: string, schema: string): Promise<Driver> {
  // Create the schema before any pooled connection relies on it in search_path.
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  try {
    // IF NOT EXISTS still races: two nodes starting together can both try to create it
    // (unique violation on pg_namespace). The loser finds it made, which is all it needs.
    await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((err: { code?: string }) => {
      if (err.code !== "23505" && err.code !== "42P06") throw err;
    });
  } finally {
    await setup.end();
  }
  const options = `-c search_path=${schema}`;
  const pool = new pg.Pool({ connectionString: url, options, max: 10 });
  pool.on("error", (err) => log.warn("db pool error", errorFields(err)));
  // Wake-ups only (notifier.ts): their commits need not wait for the disk.
  const notifyPool = new pg.Pool({
    connectionString: url,
    options: `${options} -c synchronous_commit=off`,
    max: 1,
  });
  notifyPool.on("error", (err) => log.warn("db notify connection error", errorFields(err)));
  // preparedThen's: pipelined connections (each statement its own Sync, so its own
  // transaction), as many as the sends in flight (store.ts's slots, two writers).
  // Kept open (min = max): a send that found none idle paid a connect and its backend's
  // first look at the tables, 10–20 ms, and pg-pool closes idle ones after 10 s.
  const pipelinePool = new pg.Pool({
    connectionString: url,
    options,
    max: PIPELINED_CONNECTIONS,
    min: PIPELINED_CONNECTIONS,
    pipeline: true,
    application_name: `messenger send ${schema}`.slice(0, 63),
  });
  pipelinePool.on("error", (err) => log.warn("db pool error", errorFields(err)));
  let closed = false;
  let listener: pg.Client | undefined;
  let listenerPid = 0;
  // Every node's listener on this schema carries it, so a node can count the others (peers.ts).
  const listenerName = `messenger listen ${schema}`.slice(0, 63);

  const driver: Driver = {
    kind: "postgres",
    ...wrap(pool),
    async prepared<R extends Row = Row>(text: string, params?: readonly unknown[]) {
      const res = await pool.query({
        name: statementName(text),
        text,
        values: prepareParams(params),
      });
      return res.rows as R[];
    },
    async preparedThen<R extends Row = Row>(
      text: string,
      params: readonly unknown[],
      then: { text: string; params: readonly unknown[] },
    ) {
      const client = await pipelinePool.connect();
      // Both statements in one write: each query corks the socket around its own
      // messages; holding it corked across both makes it one system call, not two.
      const socket = (client as unknown as { connection?: { stream?: NodeJS.WritableStream } })
        .connection?.stream as { cork?: () => void; uncork?: () => void } | undefined;
      socket?.cork?.();
      const first = client.query({
        name: statementName(text),
        text,
        values: prepareParams(params),
      });
      const second = client.query({
        name: statementName(then.text),
        text: then.text,
        values: prepareParams(then.params),
      });
      socket?.uncork?.();
      // The caller goes on with the first's rows while the second runs (the send's next
      // statement need not wait for this one's wake-up); the connection is released
      // only once both have answered.
      void Promise.allSettled([first, second]).then(() => client.release());
      const after = second.then(
        () => undefined,
        (err: unknown) => err,
      );
      return { rows: (await first).rows as R[], then: after };
    },
    async warm(statements) {
      const clients = await Promise.all(
        Array.from({ length: PIPELINED_CONNECTIONS }, () => pipelinePool.connect()),
      );
      try {
        await Promise.all(clients.map((c) => Promise.all(statements.map((t) => c.query(t)))));
      } finally {
        for (const c of clients) c.release();
      }
    },
    async notify(channel, payloads) {
      if (payloads.length === 0) return;
      await notifyPool.query("SELECT count(pg_notify($1, p)) FROM unnest($2::text[]) AS p", [
        channel,
        payloads,
      ]);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const out = await fn(wrap(client));
        await client.query("COMMIT");
        return out;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async withSessionLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [key]);
        try {
          return await fn(wrap(client));
        } finally {
          await client.query("SELECT pg_advisory_unlock($1)", [key]);
        }
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload, onReconnect) {
      const connectListener = async (): Promise<void> => {
        const client = new pg.Client({
          connectionString: url,
          options,
          application_name: listenerName,
        });
        client.on("notification", (n) => {
          if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
        });
        client.on("error", (err) => {
          log.warn("db listener lost", errorFields(err));
          void client.end().catch(() => undefined);
          if (listener === client) listener = undefined;
          const retry = async (delay: number): Promise<void> => {
            if (closed) return;
            await new Promise((r) => setTimeout(r, delay));
            try {
              await connectListener();
              onReconnect();
            } catch (e) {
              log.warn("db listener reconnect failed", errorFields(e));
              await retry(Math.min(delay * 2, 10_000));
            }
          };
          void retry(500);
        });
        await client.connect();
        await client.query(`LISTEN ${channel}`);
        const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        listenerPid = rows[0]!.pid;
        listener = client;
      };
      await connectListener();
    },
    async otherListeners() {
      const { rows } = await pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND pid <> $2",
        [listenerName, listenerPid],
      );
      return rows[0]!.n;
    },
    async close() {
      closed = true;
      await listener?.end().catch(() => undefined);
      await notifyPool.end().catch(() => undefined);
      await pipelinePool.end().catch(() => undefined);
      await pool.end();
    },
  };
  return driver;
}
