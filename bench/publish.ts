// `npx tsx bench/publish.ts`: what publishing through the node costs next to the
// database itself, measured in one run (issue 14):
//   1. single sends: PUBLISHERS clients, one SendGroupMessages of one message each,
//      HTTP/1.1, vs the same rows INSERTed (autocommit, one per statement) by as many
//      connections: the ratio node / raw is the figure (goal ≥ 0.5);
//   2. batched: 100 messages per SendGroupMessages, PIPELINE requests in flight over
//      one HTTP/2 (h2c) connection: msg/s (goal ≥ 20,000), on PostgreSQL and on the
//      embedded PGlite.
// Messages are well-framed MLS PrivateMessages with ~300 B of opaque ciphertext (the
// node reads only the framing, so real ciphertext would cost it the same). Each
// publisher has its own group; batches go to many groups.
// Sizes: BENCH_SINGLE (default 2,000), BENCH_BATCHED (default 20,000); BENCH_FULL=1
// = 20,000 / 200,000. PostgreSQL: BENCH_DATABASE_URL / TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test), a throwaway schema.
// BENCH_NODE_OPTIONS is passed to the node processes (e.g. --cpu-prof).
// BENCH_RATE_LIMIT_STORE=memory|postgres picks the node's rate-limit buckets (default:
// postgres, the node's default with DATABASE_URL, i.e. one more round trip per call).
import { createHash } from "node:crypto";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import pg from "pg";
import { MlsApi } from "../lib/proto/mls/api/v1/mls_pb";
import { startNode, type StartedNode } from "../server/test/harness";
import { clients, privateMessage, randomGroupId } from "../server/test/helpers";
import { dropSchema, freshSchema } from "../server/test/pg-schema";
import { runsAlone, runHeader } from "./alone";

const URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
const FULL = process.env.BENCH_FULL === "1";
const PUBLISHERS = Number(process.env.BENCH_PUBLISHERS ?? 8);
const SINGLE = Number(process.env.BENCH_SINGLE ?? (FULL ? 20_000 : 2_000));
const BATCHED = Number(process.env.BENCH_BATCHED ?? (FULL ? 200_000 : 20_000));
const BATCH = 100;
const PIPELINE = Number(process.env.BENCH_PIPELINE ?? 16);
const LIFT = {
  RATE_LIMIT_READS_PER_MIN: "1000000000",
  RATE_LIMIT_READ_BURST: "1000000000",
  RATE_LIMIT_WRITES_PER_MIN: "1000000000",
  RATE_LIMIT_WRITE_BURST: "1000000000",
  HTTP2_CLEARTEXT: "1",
  // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": profile the node processes.
  ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
  ...(process.env.BENCH_RATE_LIMIT_STORE
    ? { RATE_LIMIT_STORE: process.env.BENCH_RATE_LIMIT_STORE }
    : {}),
};

const message = (groupId: Uint8Array) =>
  privateMessage(groupId, crypto.getRandomValues(new Uint8Array(300)));
const input = (data: Uint8Array) => ({
  version: { case: "v1" as const, value: { data, shouldPush: true } },
});

async function singleSends(node: StartedNode, groups: { id: Uint8Array; data: Uint8Array[] }[]) {
  const t0 = performance.now();
  await Promise.all(
    groups.map(async (g) => {
      const api = clients(node.url); // HTTP/1.1, one connection per publisher
      for (const data of g.data) await api.mls.sendGroupMessages({ messages: [input(data)] });
    }),
  );
  return (groups.reduce((n, g) => n + g.data.length, 0) * 1000) / (performance.now() - t0);
}

async function rawInserts(schema: string, groups: { id: Uint8Array; data: Uint8Array[] }[]) {
  const pool = new pg.Pool({ connectionString: URL, max: groups.length });
  await pool.query(
    `CREATE TABLE ${schema}.raw_messages (LIKE ${schema}.group_messages INCLUDING ALL)`,
  );
  const t0 = performance.now();
  await Promise.all(
    groups.map(async (g) => {
      const c = await pool.connect();
      try {
        for (const data of g.data) {
          await c.query(
            `INSERT INTO ${schema}.raw_messages (group_id, created_ns, data, sender_hmac, should_push, content_hash)
             VALUES ($1, $2, $3, $4, $5, $6)`,
            [
              Buffer.from(g.id),
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
  const rate = (groups.reduce((n, g) => n + g.data.length, 0) * 1000) / (performance.now() - t0);
  await pool.end();
  return rate;
}

/** BATCHED messages in requests of BATCH, PIPELINE requests in flight on one h2c connection. */
async function batched(node: StartedNode): Promise<number> {
  const requests = Array.from({ length: Math.ceil(BATCHED / BATCH) }, () => {
    const g = randomGroupId();
    return Array.from({ length: BATCH }, () => input(message(g)));
  });
  const sessions = new Http2SessionManager(node.url);
  const api = createClient(
    MlsApi,
    createConnectTransport({ baseUrl: node.url, httpVersion: "2", sessionManager: sessions }),
  );
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: PIPELINE }, async () => {
      while (next < requests.length) await api.sendGroupMessages({ messages: requests[next++]! });
    }),
  );
  const rate = (requests.length * BATCH * 1000) / (performance.now() - t0);
  sessions.abort();
  return rate;
}

const f = (x: number) => `${Math.round(x).toLocaleString("en")} msg/s`;

export async function benchPublish(): Promise<string[][]> {
  const out: string[][] = [];
  const schema = freshSchema();
  const node = await startNode({ databaseUrl: URL, env: { DATABASE_SCHEMA: schema, ...LIFT } });
  try {
    const groups = Array.from({ length: PUBLISHERS }, () => {
      const id = randomGroupId();
      return {
        id,
        data: Array.from({ length: Math.ceil(SINGLE / PUBLISHERS) }, () => message(id)),
      };
    });
    const total = groups.reduce((n, g) => n + g.data.length, 0);
    const nodeRate = await singleSends(node, groups);
    const rawRate = await rawInserts(schema, groups);
    out.push([
      `PostgreSQL: node, one message per SendGroupMessages, ${PUBLISHERS} publishers`,
      String(total),
      f(nodeRate),
    ]);
    out.push([
      `PostgreSQL: raw autocommit INSERT of the same rows, ${PUBLISHERS} connections`,
      String(total),
      f(rawRate),
    ]);
    out.push([
      "ratio node / raw INSERT (goal ≥ 0.5)",
      String(total),
      (nodeRate / rawRate).toFixed(2),
    ]);
    const b = await batched(node);
    out.push([
      `PostgreSQL: node, ${BATCH} per request, ${PIPELINE} in flight on one h2c connection (goal ≥ 20,000)`,
      String(BATCHED),
      f(b),
    ]);
  } finally {
    await node.stop();
    await dropSchema(URL, schema).catch(() => undefined);
  }
  const embedded = await startNode({ env: LIFT });
  try {
    const b = await batched(embedded);
    out.push([
      `PGlite: node, ${BATCH} per request, ${PIPELINE} in flight on one h2c connection (goal ≥ 20,000)`,
      String(BATCHED),
      f(b),
    ]);
  } finally {
    await embedded.stop();
  }
  return out;
}

if (runsAlone(import.meta.url)) {
  const rows = await benchPublish();
  console.log(runHeader());
  console.log("| what | messages | rate |\n|---|---|---|");
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  process.exit(0);
}
