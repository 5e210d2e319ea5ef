// `npx tsx bench/publish-statements.ts [N=300] [W=1] [variant,…]`: what one send's
// statements cost PostgreSQL, from a bare pg client (no node, no HTTP): W connections
// each send N single-row envelopes as the node's general insert statement, the one-row
// statement (envelope-one-sql.ts), or a plain INSERT, alone or followed in the same
// write by a wake-up (the general form, the one-topic form, a bare pg_notify). Prints
// ms per message of the second of two rounds, and this client's CPU per message.
import pg from "pg";
import { createHash } from "node:crypto";
import { openStore } from "../server/store";
import { envelopeInsertSql, envelopeInsertParams } from "../server/store/envelope-sql";
import { GROUP_MESSAGES } from "../server/store/envelopes";
import { wakeStatement } from "../server/store/notifier";
import { privateMessage, randomGroupId } from "../server/test/helpers";
import { dropSchema, freshSchema } from "../server/test/pg-schema";
const URL = "postgres://postgres@127.0.0.1:5432/test";
const N = Number(process.argv[2] ?? 300);
const W = Number(process.argv[3] ?? 1);
const only = process.argv[4]?.split(",");
const schema = freshSchema();
const { store } = await openStore({ dataDir: "", databaseUrl: URL, databaseSchema: schema });
await store.close();
const msg = (g: Uint8Array) => privateMessage(g, crypto.getRandomValues(new Uint8Array(300)));
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest();
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const cur = envelopeInsertSql(GROUP_MESSAGES, false);
const single = `WITH l AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtext('g:' || encode($1::bytea, 'hex'))))
INSERT INTO group_messages (group_id, created_ns, data, content_hash, sender_hmac, should_push, is_commit)
SELECT $1, $2, $3, $4, $5, $6, $7 FROM l
ON CONFLICT (group_id, content_hash) DO NOTHING
RETURNING id, EXISTS (SELECT 1 FROM push_topics p WHERE p.group_id = group_messages.group_id) AS push`;
const plain = `INSERT INTO group_messages (group_id, created_ns, data, content_hash, sender_hmac, should_push, is_commit) VALUES ($1,$2,$3,$4,$5,$6,$7)`;
type V = { name: string; run: (c: pg.PoolClient, g: Uint8Array) => Promise<unknown> };
const wake = (g: Uint8Array) =>
  wakeStatement(
    { table: "group_messages", column: "group_id" },
    `messenger_events_${schema}`,
    "benchnod",
    ["g:" + hex(g)],
  );
const q = (c: pg.PoolClient, name: string, text: string, values: unknown[]) =>
  c.query({ name, text, values });
const curParams = (g: Uint8Array, d: Uint8Array) => {
  const m = { groupId: g, data: d, senderHmac: new Uint8Array(), shouldPush: true };
  return envelopeInsertParams(
    GROUP_MESSAGES,
    [m],
    sha(d),
    [GROUP_MESSAGES.values(m)],
    BigInt(Date.now()) * 1_000_000n,
  ).map((p) => (typeof p === "bigint" ? p.toString() : p));
};
const singleParams = (g: Uint8Array, d: Uint8Array) => [
  Buffer.from(g),
  String(BigInt(Date.now()) * 1_000_000n),
  Buffer.from(d),
  sha(d),
  Buffer.alloc(0),
  true,
  false,
];
const both = async (c: pg.PoolClient, a: Promise<unknown>, g: Uint8Array) => {
  const w = wake(g);
  await Promise.all([a, q(c, "wake", w.text, w.params)]);
};
const both0 = async (c: pg.PoolClient, a: Promise<unknown>, g: Uint8Array) => {
  await Promise.all([
    a,
    q(c, "wake0", "SELECT pg_notify($1, $2)", [
      `messenger_events_${schema}`,
      "benchnod g:" + hex(g) + " 1",
    ]),
  ]);
};
const bothcv = async (c: pg.PoolClient, a: Promise<unknown>, g: Uint8Array) => {
  await Promise.all([
    a,
    q(
      c,
      "wakecv",
      "SELECT pg_notify($1, $2 || currval('group_messages_id_seq')), set_config('synchronous_commit', 'off', true)",
      [`messenger_events_${schema}`, "benchnod g:" + hex(g) + " "],
    ),
  ]);
};
const bothmax = async (c: pg.PoolClient, a: Promise<unknown>, g: Uint8Array) => {
  await Promise.all([
    a,
    q(
      c,
      "wakemax",
      "SELECT pg_notify($1, $2 || m.id) FROM (SELECT max(id) AS id FROM group_messages WHERE group_id = $3) m, (SELECT set_config('synchronous_commit', 'off', true)) s WHERE m.id IS NOT NULL",
      [`messenger_events_${schema}`, "benchnod g:" + hex(g) + " ", Buffer.from(g)],
    ),
  ]);
};
const variants: V[] = [
  { name: "plain", run: (c, g) => q(c, "plain", plain, singleParams(g, msg(g))) },
  { name: "current", run: (c, g) => q(c, "cur", cur, curParams(g, msg(g))) },
  { name: "current+wake", run: (c, g) => both(c, q(c, "cur", cur, curParams(g, msg(g))), g) },
  { name: "single", run: (c, g) => q(c, "single", single, singleParams(g, msg(g))) },
  {
    name: "single+wake",
    run: (c, g) => both(c, q(c, "single", single, singleParams(g, msg(g))), g),
  },
  {
    name: "single+wake0",
    run: (c, g) => both0(c, q(c, "single", single, singleParams(g, msg(g))), g),
  },
  {
    name: "single+wakecv",
    run: (c, g) => bothcv(c, q(c, "single", single, singleParams(g, msg(g))), g),
  },
  {
    name: "single+wakemax",
    run: (c, g) => bothmax(c, q(c, "single", single, singleParams(g, msg(g))), g),
  },
  { name: "plain+wake", run: (c, g) => both(c, q(c, "plain", plain, singleParams(g, msg(g))), g) },
];
const pool = new pg.Pool({ connectionString: URL, max: W, options: `-c search_path=${schema}` });
const clients = await Promise.all(Array.from({ length: W }, () => pool.connect()));
for (const round of [1, 2])
  for (const v of variants) {
    if (only && !only.includes(v.name)) continue;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await Promise.all(
      clients.map(async (c) => {
        const g = randomGroupId();
        for (let i = 0; i < N; i++) await v.run(c, g);
      }),
    );
    const ms = (performance.now() - t0) / N / W;
    const cpu = process.cpuUsage(c0);
    if (round === 2)
      console.log(
        `${v.name.padEnd(14)} writers ${W}: ${ms.toFixed(3)} ms/msg ${(1000 / ms).toFixed(0)}/s, client CPU ${((cpu.user + cpu.system) / N / W).toFixed(0)} µs/msg`,
      );
  }
clients.forEach((c) => c.release());
await pool.end();
await dropSchema(URL, schema);
