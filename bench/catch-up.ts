// `npx tsx bench/catch-up.ts`: a catch-up query from a cursor with many stored
// envelopes (issue 14: 1,000,000 envelopes, p99 ≤ 20 ms). The store is migrated by the
// node's own code (Store.open), filled in SQL (generate_series: GROUPS groups, ~300 B
// of data each row, created_ns spread over 60 days), then the node's page query
// (Store.queryGroupMessages: group_id = $1 AND id > cursor ORDER BY id LIMIT 100) runs
// QUERIES times for random groups from random cursors. Prints the EXPLAIN (ANALYZE) of
// one query, and how long retention takes to delete the oldest 30 days.
// Sizes: BENCH_ENVELOPES (default 100,000; BENCH_FULL=1 → 1,000,000), BENCH_GROUPS
// (default envelopes / 100). PostgreSQL: BENCH_DATABASE_URL / TEST_DATABASE_URL
// (default postgres://postgres@127.0.0.1:5432/test), a throwaway schema.
import { openStore } from "../server/store";
import { runRetention } from "../server/store/retention";
import { dropSchema, freshSchema } from "../server/test/pg-schema";
import { summary } from "./stats";
import { runsAlone, runHeader } from "./alone";

const URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
const ENVELOPES = Number(
  process.env.BENCH_ENVELOPES ?? (process.env.BENCH_FULL === "1" ? 1_000_000 : 100_000),
);
const GROUPS = Number(process.env.BENCH_GROUPS ?? Math.max(1, Math.round(ENVELOPES / 100)));
const QUERIES = Number(process.env.BENCH_QUERIES ?? 2000);
const DAY_NS = 86_400n * 1_000_000_000n;

const groupId = (g: number) => new TextEncoder().encode(`bench-group-${g}`);

export async function benchCatchUp(): Promise<string[]> {
  const out: string[] = [];
  const schema = freshSchema();
  const { store } = await openStore({ dataDir: "", databaseUrl: URL, databaseSchema: schema });
  try {
    const now = BigInt(Date.now()) * 1_000_000n;
    const t0 = performance.now();
    // Rows arrive interleaved across groups (as in life); created_ns grows with id.
    for (let done = 0; done < ENVELOPES; done += 100_000) {
      const n = Math.min(100_000, ENVELOPES - done);
      await store.driver.query(
        `INSERT INTO group_messages (group_id, created_ns, data, sender_hmac, should_push, content_hash)
         SELECT convert_to('bench-group-' || (s % $1), 'UTF8'),
                $2::bigint + (s::bigint * $3::bigint),
                decode(repeat(md5(s::text), 10), 'hex') || gen_random_uuid()::text::bytea,
                '\\x'::bytea, true,
                sha256(s::text::bytea)
         FROM generate_series($4::bigint, $5::bigint) s`,
        [GROUPS, now - 60n * DAY_NS, (60n * DAY_NS) / BigInt(ENVELOPES), done, done + n - 1],
      );
    }
    await store.driver.query("ANALYZE group_messages");
    out.push(
      `filled ${ENVELOPES.toLocaleString("en")} envelopes in ${GROUPS.toLocaleString("en")} groups in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const maxId = Number(
      (await store.driver.query<{ m: string }>("SELECT max(id) AS m FROM group_messages"))[0]!.m,
    );
    const samples: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      const g = groupId(Math.floor(Math.random() * GROUPS));
      const cursor = BigInt(Math.floor(Math.random() * maxId));
      const t = performance.now();
      await store.queryGroupMessages(g, { cursor, limit: 100, direction: "asc" });
      samples.push(performance.now() - t);
    }
    const s = summary("catch-up", samples);
    out.push(
      `catch-up from a random cursor, ${QUERIES} queries (Store.queryGroupMessages, limit 100): p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms (goal p99 ≤ 20 ms)`,
    );
    // The same pages timed inside PostgreSQL: what the query costs the database,
    // without the client's wait for a CPU (which dominates the tail on a loaded machine).
    await store.driver.query(`CREATE FUNCTION bench_pages(n int, groups int, max_id bigint)
      RETURNS TABLE (ms float8) LANGUAGE plpgsql AS $$
      DECLARE t0 timestamptz; g bytea; c bigint;
      BEGIN
        FOR i IN 1..n LOOP
          g := convert_to('bench-group-' || floor(random() * groups)::int, 'UTF8');
          c := floor(random() * max_id)::bigint;
          t0 := clock_timestamp();
          PERFORM * FROM (SELECT * FROM group_messages WHERE group_id = g AND id > c
                          ORDER BY id ASC LIMIT 100) page;
          ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
          RETURN NEXT;
        END LOOP;
      END $$`);
    const inside = await store.driver.query<{ ms: number }>(
      "SELECT ms FROM bench_pages($1, $2, $3)",
      [QUERIES, GROUPS, maxId],
    );
    const d = summary(
      "inside",
      inside.map((r) => Number(r.ms)),
    );
    out.push(
      `the same ${QUERIES} pages timed inside PostgreSQL: p50 ${d.p50} ms, p95 ${d.p95} ms, p99 ${d.p99} ms`,
    );
    const plan = await store.driver.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM group_messages WHERE group_id = $1 AND id > $2 ORDER BY id ASC LIMIT 100`,
      [groupId(7), Math.floor(maxId / 2)],
    );
    out.push("EXPLAIN (ANALYZE, BUFFERS) of one catch-up page:");
    for (const r of plan) out.push(`    ${r["QUERY PLAN"]}`);
    const t1 = performance.now();
    const run = await runRetention(store.driver, { envelopeDays: 30, intervalSeconds: 3600 });
    out.push(
      `retention (30 days of 60): deleted ${run.groupMessages.toLocaleString("en")} envelopes in ${((performance.now() - t1) / 1000).toFixed(1)} s (batches of 5,000)`,
    );
  } finally {
    await store.close();
    await dropSchema(URL, schema).catch(() => undefined);
  }
  return out;
}

if (runsAlone(import.meta.url)) {
  const lines = await benchCatchUp();
  console.log(runHeader());
  for (const l of lines) console.log(l);
  process.exit(0);
}
