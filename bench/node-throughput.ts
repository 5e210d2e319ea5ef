// `npx tsx bench/node-throughput.ts`: the node on PostgreSQL, measured in one run:
//   1. publish throughput: real MLS application messages (encrypted beforehand), several
//      concurrent publishers, one SendGroupMessages per message;
//   2. the same rows INSERTed straight into PostgreSQL by as many connections (the
//      ratio node / raw is the figure: what the node costs over the database);
//   3. fan-out latency: 1,000 Subscribe streams on one group, messages sent one by
//      one, send start → arrival on each stream.
// Needs PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL
// (default postgres://postgres@127.0.0.1:5432/test). Uses a throwaway schema.
import { createHash } from "node:crypto";
import pg from "pg";
import { toHex, utf8 } from "../lib/crypto";
import { createGroup, encryptApplication, type GroupHandle } from "../lib/mls";
import { startNode } from "../server/test/harness";
import { clients, newInstallation, privateMessage, randomGroupId } from "../server/test/helpers";
import { dropSchema, freshSchema } from "../server/test/pg-schema";
import { summary } from "./stats";
import { runsAlone } from "./alone";

const URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
const PUBLISHERS = Number(process.env.BENCH_PUBLISHERS ?? 8);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 4000);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const FANOUT_MESSAGES = Number(process.env.BENCH_FANOUT_MESSAGES ?? 20);
const LIFT = {
  RATE_LIMIT_READS_PER_MIN: "1000000000",
  RATE_LIMIT_READ_BURST: "1000000000",
  RATE_LIMIT_WRITES_PER_MIN: "1000000000",
  RATE_LIMIT_WRITE_BURST: "1000000000",
};

export interface Row {
  name: string;
  n: number;
  p50: number | string;
  p95: number | string;
  p99: number | string;
  unit: string;
}

/** One real MLS group per publisher; every message encrypted before the clock starts. */
async function realMessages(): Promise<{ groupId: Uint8Array; data: Uint8Array[] }[]> {
  const out = [];
  for (let p = 0; p < PUBLISHERS; p++) {
    const inst = newInstallation();
    const signer = { inboxId: toHex(crypto.getRandomValues(new Uint8Array(32))), ...inst };
    let g: GroupHandle = await createGroup({
      signer,
      metadata: { conversationType: "group", creatorInboxId: signer.inboxId },
    });
    const data: Uint8Array[] = [];
    for (let i = 0; i < Math.ceil(MESSAGES / PUBLISHERS); i++) {
      const r = await encryptApplication(g, utf8(`bench message ${p}/${i} `.padEnd(200, ".")));
      g = r.group;
      data.push(r.message);
    }
    out.push({ groupId: g.groupId, data });
  }
  return out;
}

export async function benchNodeThroughput(): Promise<Row[]> {
  const schema = freshSchema();
  const node = await startNode({ databaseUrl: URL, env: { DATABASE_SCHEMA: schema, ...LIFT } });
  const rows: Row[] = [];
  try {
    const groups = await realMessages();
    const total = groups.reduce((n, g) => n + g.data.length, 0);
    const avgBytes = Math.round(
      groups[0]!.data.reduce((n, d) => n + d.length, 0) / groups[0]!.data.length,
    );

    // 1. through the node
    const t0 = performance.now();
    await Promise.all(
      groups.map(async (g) => {
        const api = clients(node.url); // one connection per publisher
        for (const data of g.data) {
          await api.mls.sendGroupMessages({
            messages: [{ version: { case: "v1", value: { data, shouldPush: true } } }],
          });
        }
      }),
    );
    const nodeRate = (total * 1000) / (performance.now() - t0);

    // 2. the same rows straight into PostgreSQL, as many connections, one INSERT each
    const pool = new pg.Pool({ connectionString: URL, max: PUBLISHERS });
    await pool.query(
      `CREATE TABLE ${schema}.raw_messages (LIKE ${schema}.group_messages INCLUDING ALL)`,
    );
    const t1 = performance.now();
    await Promise.all(
      groups.map(async (g) => {
        const c = await pool.connect();
        try {
          for (const data of g.data) {
            await c.query(
              `INSERT INTO ${schema}.raw_messages (group_id, created_ns, data, sender_hmac, should_push, content_hash)
               VALUES ($1, $2, $3, $4, $5, $6)`,
              [
                Buffer.from(g.groupId),
                String(BigInt(Date.now()) * 1_000_000n),
                Buffer.from(data),
                Buffer.alloc(0),
                true,
                createHash("sha256").update(data).digest(),
              ],
            );
          }
        } finally {
          c.release();
        }
      }),
    );
    const rawRate = (total * 1000) / (performance.now() - t1);
    await pool.end();
    const f = (x: number) => `${Math.round(x)} msg/s`;
    rows.push({
      name: `node publish, ${PUBLISHERS} publishers, real MLS messages (~${avgBytes} B), PostgreSQL`,
      n: total,
      p50: f(nodeRate),
      p95: "—",
      p99: "—",
      unit: "",
    });
    rows.push({
      name: `raw PostgreSQL INSERT of the same rows, ${PUBLISHERS} connections`,
      n: total,
      p50: f(rawRate),
      p95: "—",
      p99: "—",
      unit: "",
    });
    rows.push({
      name: "ratio node / raw INSERT",
      n: total,
      p50: (nodeRate / rawRate).toFixed(2),
      p95: "—",
      p99: "—",
      unit: "",
    });

    // 3. fan-out to SUBSCRIBERS streams on one group
    const groupId = randomGroupId();
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const ac = new AbortController();
    let caughtUp = 0;
    let done = 0;
    const allDone = new Promise<void>((resolve) => {
      for (let s = 0; s < SUBSCRIBERS; s++) {
        const api = clients(node.url);
        void (async () => {
          let got = 0;
          try {
            for await (const ev of api.node.subscribe(
              { filters: [{ topic: { case: "groupId", value: groupId }, idCursor: 0n }] },
              { signal: ac.signal },
            )) {
              if (ev.event.case === "caughtUp") caughtUp++;
              if (ev.event.case !== "groupMessage") continue;
              const m = ev.event.value.version.value!;
              const at = sentAt.get(toHex(m.data.slice(-8)));
              if (at !== undefined) latencies.push(performance.now() - at);
              if (++got === FANOUT_MESSAGES) break;
            }
          } catch {
            /* aborted at the end */
          }
          if (++done === SUBSCRIBERS) resolve();
        })();
      }
    });
    while (caughtUp < SUBSCRIBERS) await new Promise((r) => setTimeout(r, 50));
    const sender = clients(node.url);
    for (let i = 0; i < FANOUT_MESSAGES; i++) {
      const tag = crypto.getRandomValues(new Uint8Array(8));
      sentAt.set(toHex(tag), performance.now());
      await sender.mls.sendGroupMessages({
        messages: [
          {
            version: {
              case: "v1",
              value: { data: privateMessage(groupId, tag), shouldPush: true },
            },
          },
        ],
      });
      await new Promise((r) => setTimeout(r, 250)); // one message at a time: latency, not queueing
    }
    await Promise.race([allDone, new Promise((r) => setTimeout(r, 60_000))]);
    ac.abort();
    const s = summary(
      `fan-out: send → arrival on each of ${SUBSCRIBERS} streams (one node)`,
      latencies,
    );
    rows.push({ ...s, p50: s.p50, unit: "ms" });
  } finally {
    await node.stop();
    await dropSchema(URL, schema).catch(() => undefined);
  }
  return rows;
}

if (runsAlone(import.meta.url)) {
  const rows = await benchNodeThroughput();
  console.log("| what | n | p50 | p95 | p99 |\n|---|---|---|---|---|");
  for (const r of rows) {
    const u = r.unit ? ` ${r.unit}` : "";
    console.log(
      `| ${r.name} | ${r.n} | ${r.p50}${u} | ${r.p95}${typeof r.p95 === "number" ? u : ""} | ${r.p99}${typeof r.p99 === "number" ? u : ""} |`,
    );
  }
  process.exit(0);
}
