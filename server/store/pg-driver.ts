// PostgreSQL through a pg Pool; LISTEN on one dedicated connection that reconnects.
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
  let closed = false;
  let listener: pg.Client | undefined;

  const driver: Driver = {
    kind: "postgres",
    ...wrap(pool),
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
        const client = new pg.Client({ connectionString: url, options });
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
        listener = client;
      };
      await connectListener();
    },
    async close() {
      closed = true;
      await listener?.end().catch(() => undefined);
      await pool.end();
    },
  };
  return driver;
}
