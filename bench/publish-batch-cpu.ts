// `npx tsx bench/publish-batch-cpu.ts [rounds=3]`: PostgreSQL's own CPU per message for the
// node's batch statement (envelope-sql.ts, 100 messages of one group per statement), run
// from one bare pg connection whose backend's CPU is read from /proc (the server is shared:
// only this backend is counted, not the WAL writer). With the node's CPU per batched message
// (publish.ts) it says what 20,000 msg/s needs of the machine's cores.
import { createHash } from "node:crypto";
import pg from "pg";
import { openStore } from "../server/store";
import { envelopeInsertParams, envelopeInsertSql } from "../server/store/envelope-sql";
import { GROUP_MESSAGES } from "../server/store/envelopes";
import { privateMessage, randomGroupId } from "../server/test/helpers";
import { dropSchema, freshSchema } from "../server/test/pg-schema";
import { runHeader } from "./alone";
import { BENCH_DATABASE_URL as URL, cpuMs } from "./publishers";

const ROUNDS = Number(process.argv[2] ?? 3);
const BATCHES = 50;
const schema = freshSchema();
const { store } = await openStore({ dataDir: "", databaseUrl: URL, databaseSchema: schema });
await store.close();
const c = new pg.Client({ connectionString: URL, options: `-c search_path=${schema}` });
await c.connect();
const backend = (await c.query<{ p: number }>("SELECT pg_backend_pid() AS p")).rows[0]!.p;
const sql = envelopeInsertSql(GROUP_MESSAGES, false);
const params = () => {
  const g = randomGroupId();
  const ms = Array.from({ length: 100 }, () => ({
    groupId: g,
    data: privateMessage(g, crypto.getRandomValues(new Uint8Array(300))),
    senderHmac: new Uint8Array(),
    shouldPush: true,
  }));
  const hashes = Buffer.concat(ms.map((m) => createHash("sha256").update(m.data).digest()));
  return envelopeInsertParams(GROUP_MESSAGES, ms, hashes, ms.map(GROUP_MESSAGES.values), 1n).map(
    (p) => (typeof p === "bigint" ? p.toString() : p),
  );
};
console.log(runHeader());
for (let r = 1; r <= ROUNDS; r++) {
  const batches = Array.from({ length: BATCHES }, params);
  const cpu0 = cpuMs(backend);
  const t0 = performance.now();
  for (const values of batches) await c.query({ name: "batch", text: sql, values });
  const n = BATCHES * 100;
  console.log(
    `round ${r}: ${(((cpuMs(backend) - cpu0) * 1000) / n).toFixed(1)} µs of the backend's CPU per message, ${Math.round((n * 1000) / (performance.now() - t0))} msg/s on one connection`,
  );
}
await c.end();
await dropSchema(URL, schema);
