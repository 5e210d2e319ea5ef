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
// publisher is its own client (own address, bench/publishers.ts) with its own group;
// batches go to many groups. Each node row also prints the node process's CPU per
// message (from /proc), which other work on the machine disturbs far less than a rate.
// Sizes: BENCH_SINGLE (default 2,000), BENCH_BATCHED (default 20,000); BENCH_FULL=1
// = 20,000 / 200,000. PostgreSQL: BENCH_DATABASE_URL / TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test), a throwaway schema.
// BENCH_NODE_ARGS are flags for the node processes (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof";
// Node refuses --cpu-prof in NODE_OPTIONS, which BENCH_NODE_OPTIONS sets).
// BENCH_RATE_LIMIT_STORE=memory picks in-process rate-limit buckets (default: the
// node's default with DATABASE_URL, shared buckets in PostgreSQL, whose take rides in
// the send's own statement).
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { MlsApi } from "../lib/proto/mls/api/v1/mls_pb";
import { openStore } from "../server/store";
import { startNode, type StartedNode } from "../server/test/harness";
import { privateMessage, randomGroupId } from "../server/test/helpers";
import { dropSchema, freshSchema } from "../server/test/pg-schema";
import { runsAlone, runHeader } from "./alone";
import {
  BENCH_DATABASE_URL as URL,
  BENCH_NODE_ENV as LIFT,
  clientAddress,
  count,
  insertRaw,
  sendOneByOne,
  withCpu,
} from "./publishers";

const FULL = process.env.BENCH_FULL === "1";
const PUBLISHERS = Number(process.env.BENCH_PUBLISHERS ?? 8);
const SINGLE = Number(process.env.BENCH_SINGLE ?? (FULL ? 20_000 : 2_000));
const BATCHED = Number(process.env.BENCH_BATCHED ?? (FULL ? 200_000 : 20_000));
const BATCH = 100;
const PIPELINE = Number(process.env.BENCH_PIPELINE ?? 16);

const message = (groupId: Uint8Array) =>
  privateMessage(groupId, crypto.getRandomValues(new Uint8Array(300)));
const input = (data: Uint8Array) => ({
  version: { case: "v1" as const, value: { data, shouldPush: true } },
});

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
    Array.from({ length: PIPELINE }, async (_, lane) => {
      const headers = { "x-forwarded-for": clientAddress(lane + 1) };
      while (next < requests.length)
        await api.sendGroupMessages({ messages: requests[next++]! }, { headers });
    }),
  );
  const rate = (requests.length * BATCH * 1000) / (performance.now() - t0);
  sessions.abort();
  return rate;
}

/**
 * The node's database path alone: Store.insertGroupMessages (the statement a send runs)
 * from one writer per publisher in this process, no HTTP, no rate limit. Msg/s.
 */
async function storeOnly(schema: string, loads: { groupId: Uint8Array; data: Uint8Array[] }[]) {
  const { store } = await openStore({ dataDir: "", databaseUrl: URL, databaseSchema: schema });
  try {
    const t0 = performance.now();
    await Promise.all(
      loads.map(async (l) => {
        const g = randomGroupId();
        for (let i = 0; i < l.data.length; i++) {
          await store.insertGroupMessages([
            { groupId: g, data: message(g), senderHmac: new Uint8Array(), shouldPush: true },
          ]);
        }
      }),
    );
    return (count(loads) * 1000) / (performance.now() - t0);
  } finally {
    await store.close();
  }
}

const f = (x: number) => `${Math.round(x).toLocaleString("en")} msg/s`;
/** The node's CPU per message: robust to other work on the machine, unlike a rate. */
const perMsg = (m: { cpuMs: number; writes: number }, n: number) =>
  `${Math.round((m.cpuMs * 1000) / n)} µs CPU/msg, ${(m.writes / n).toFixed(2)} write calls/msg`;

export async function benchPublish(): Promise<string[][]> {
  const out: string[][] = [];
  const schema = freshSchema();
  const node = await startNode({ databaseUrl: URL, env: { DATABASE_SCHEMA: schema, ...LIFT } });
  try {
    const loads = Array.from({ length: PUBLISHERS }, () => {
      const groupId = randomGroupId();
      return {
        groupId,
        data: Array.from({ length: Math.ceil(SINGLE / PUBLISHERS) }, () => message(groupId)),
      };
    });
    const total = count(loads);
    const single = await withCpu(node.child.pid, () => sendOneByOne(node.url, loads));
    const rawRate = await insertRaw(URL, schema, loads);
    out.push([
      `PostgreSQL: node, one message per SendGroupMessages, ${PUBLISHERS} publishers`,
      String(total),
      `${f(single.value)} (${perMsg(single, total)})`,
    ]);
    out.push([
      `PostgreSQL: raw autocommit INSERT of the same rows, ${PUBLISHERS} connections`,
      String(total),
      f(rawRate),
    ]);
    out.push([
      "ratio node / raw INSERT (goal ≥ 0.5)",
      String(total),
      (single.value / rawRate).toFixed(2),
    ]);
    const storeRate = await storeOnly(schema, loads);
    out.push([
      `ratio of the node's insert statement alone (Store.insertGroupMessages, ${PUBLISHERS} writers in one process, ${f(storeRate)}) / raw INSERT`,
      String(total),
      (storeRate / rawRate).toFixed(2),
    ]);
    const b = await withCpu(node.child.pid, () => batched(node));
    out.push([
      `PostgreSQL: node, ${BATCH} per request, ${PIPELINE} in flight on one h2c connection (goal ≥ 20,000)`,
      String(BATCHED),
      `${f(b.value)} (${perMsg(b, BATCHED)})`,
    ]);
  } finally {
    await node.stop();
    await dropSchema(URL, schema).catch(() => undefined);
  }
  const embedded = await startNode({ env: LIFT });
  try {
    const b = await withCpu(embedded.child.pid, () => batched(embedded));
    out.push([
      `PGlite: node, ${BATCH} per request, ${PIPELINE} in flight on one h2c connection (goal ≥ 20,000)`,
      String(BATCHED),
      `${f(b.value)} (${perMsg(b, BATCHED)})`,
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
