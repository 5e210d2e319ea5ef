// `npx tsx bench/publish-wake.ts`: the cross-node wake-up statements (store/notifier.ts)
// on a table of 2,000 rows in 50 groups: the general form's plan (EXPLAIN ANALYZE of a
// PREPAREd statement) and ms per execution of the general form for 2 topics vs the
// one-topic form, from a bare pg client.
import pg from "pg";
import { openStore } from "../server/store";
import { wakeStatement } from "../server/store/notifier";
import { privateMessage, randomGroupId } from "../server/test/helpers";
import { dropSchema, freshSchema } from "../server/test/pg-schema";
const URL = "postgres://postgres@127.0.0.1:5432/test";
const schema = freshSchema();
const { store } = await openStore({ dataDir: "", databaseUrl: URL, databaseSchema: schema });
const gs = Array.from({ length: 50 }, () => randomGroupId());
for (let i = 0; i < 40; i++)
  await store.insertGroupMessages(
    gs.map((g) => ({
      groupId: g,
      data: privateMessage(g, crypto.getRandomValues(new Uint8Array(300))),
      senderHmac: new Uint8Array(),
      shouldPush: true,
    })),
  );
await store.close();
const c = new pg.Client({ connectionString: URL, options: `-c search_path=${schema}` });
await c.connect();
await c.query("ANALYZE group_messages");
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const w = wakeStatement(
  { table: "group_messages", column: "group_id" },
  "chan_x",
  "node1",
  gs.slice(0, 3).map((g) => "g:" + hex(g)),
);
await c.query(`PREPARE w(text, text, text[]) AS ${w.text}`);
const args = `'chan_x', 'node1', ARRAY['${(w.params[2] as string[])[0]}']`;
for (let i = 0; i < 7; i++) await c.query(`EXECUTE w(${args})`);
const t0 = performance.now();
for (let i = 0; i < 50; i++) await c.query(`EXECUTE w(${args})`);
console.log("general wake ms", ((performance.now() - t0) / 50).toFixed(3));
console.log(
  (await c.query(`EXPLAIN ANALYZE EXECUTE w(${args})`)).rows.map((r) => r["QUERY PLAN"]).join("\n"),
);
const one = wakeStatement({ table: "group_messages", column: "group_id" }, "chan_x", "node1", [
  "g:" + hex(gs[0]!),
]);
for (const [name, w2] of [
  [
    "general, 2 topics",
    wakeStatement({ table: "group_messages", column: "group_id" }, "chan_x", "node1", [
      "g:" + hex(gs[0]!),
      "g:" + hex(gs[1]!),
    ]),
  ],
  ["one-topic", one],
] as const) {
  for (let r = 0; r < 2; r++) {
    const t1 = performance.now();
    for (let i = 0; i < 100; i++) await c.query({ name, text: w2.text, values: w2.params });
    console.log(name, "prepared ms", ((performance.now() - t1) / 100).toFixed(3));
  }
}
await c.end();
await dropSchema(URL, schema);
