// `npx tsx bench/publish-wake.ts [rounds=3]`: the cross-node wake-up statements
// (store/notifier.ts) on a table of 2,000 rows in 50 groups, from a bare pg client, each
// PREPAREd: ms per execution of the per-topic form (wakeFewStatement) and the general form
// (wakeManyStatement) for 1, 2, 8, 16 and 40 topics; wakeStatement picks the few form up
// to FEW_TOPICS. Prints one Markdown row per round and topic count.
import pg from "pg";
import { openStore } from "../server/store";
import { chunkTopics, wakeFewStatement, wakeManyStatement } from "../server/store/notifier";
import { privateMessage, randomGroupId } from "../server/test/helpers";
import { dropSchema, freshSchema } from "../server/test/pg-schema";
const URL = "postgres://postgres@127.0.0.1:5432/test";
const ROUNDS = Number(process.argv[2] ?? 3);
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
const where = { table: "group_messages", column: "group_id" };
const topicsOf = (n: number) => gs.slice(0, n).map((g) => "g:" + Buffer.from(g).toString("hex"));
/** ms per execution of a prepared statement, after 10 unmeasured ones (past the custom plans). */
async function msPer(name: string, w: { text: string; params: unknown[] }, n = 200) {
  for (let i = 0; i < 10; i++) await c.query({ name, text: w.text, values: w.params });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await c.query({ name, text: w.text, values: w.params });
  return (performance.now() - t0) / n;
}
console.log("| round | topics | per-topic form (ms) | general form (ms) |\n|---|---|---|---|");
for (let r = 1; r <= ROUNDS; r++) {
  for (const n of [1, 2, 8, 16, 40]) {
    const topics = topicsOf(n);
    const few = await msPer(`few${n}`, wakeFewStatement(where, "chan_x", "node1", topics));
    const many = await msPer(
      `many${n}`,
      wakeManyStatement(where, "chan_x", "node1", chunkTopics("node1", topics)),
    );
    console.log(`| ${r} | ${n} | ${few.toFixed(3)} | ${many.toFixed(3)} |`);
  }
}
await c.end();
await dropSchema(URL, schema);
