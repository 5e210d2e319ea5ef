// `npx tsx bench/publish.ts`: what publishing through the node costs next to the
// database itself, measured in one run (issue 14):
//   1. single sends: PUBLISHERS clients, one SendGroupMessages of one message each,
//      HTTP/1.1, vs the same rows INSERTed (autocommit, one per statement) by as many
//      connections: the ratio node / raw is the figure (goal ≥ 0.5), the two alternated in
//      BENCH_SINGLE_ROUNDS rounds (default 4) so both see the same machine;
//   2. batched: 100 messages per SendGroupMessages, PIPELINE requests in flight over
//      one HTTP/2 (h2c) connection: msg/s (goal ≥ 20,000), on PostgreSQL and on the
//      embedded PGlite.
// Each is sent twice. The goal's line: by a lean client in a child process of its own
// (publish-client.ts: the bytes our app's Connect client sends, pre-encoded, on
// keep-alive connections), as real clients are on other machines and the raw INSERT's
// client is a bare pg client; its own CPU per message is printed too. The second line:
// by Connect's client in this process (connect-node, as before session 11), which takes
// a share of the same 2 cores from the node and PostgreSQL.
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
  openLeanClient,
  openRawInserter,
  type PublisherLoad,
  sendBody,
  sendLean,
  sendOneByOne,
  withCpu,
} from "./publishers";

const FULL = process.env.BENCH_FULL === "1";
const PUBLISHERS = Number(process.env.BENCH_PUBLISHERS ?? 8);
const SINGLE = Number(process.env.BENCH_SINGLE ?? (FULL ? 20_000 : 2_000));
const BATCHED = Number(process.env.BENCH_BATCHED ?? (FULL ? 200_000 : 20_000));
const BATCH = 100;
/** Alternated rounds of the single-send line (node, raw INSERT). */
const ROUNDS = Number(process.env.BENCH_SINGLE_ROUNDS ?? 4);
const PIPELINE = Number(process.env.BENCH_PIPELINE ?? 16);

const message = (groupId: Uint8Array) =>
  privateMessage(groupId, crypto.getRandomValues(new Uint8Array(300)));
const input = (data: Uint8Array) => ({
  version: { case: "v1" as const, value: { data, shouldPush: true } },
});

/** BATCHED messages in requests of BATCH to many groups. */
const batchedRequests = () =>
  Array.from({ length: Math.ceil(BATCHED / BATCH) }, () => {
    const g = randomGroupId();
    return Array.from({ length: BATCH }, () => message(g));
  });

/** The batched requests by Connect's client in this process, PIPELINE in flight on one h2c connection. */
async function batchedConnect(node: StartedNode): Promise<number> {
  const requests = batchedRequests();
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
        await api.sendGroupMessages({ messages: requests[next++]!.map(input) }, { headers });
    }),
  );
  const rate = (requests.length * BATCH * 1000) / (performance.now() - t0);
  sessions.abort();
  return rate;
}

/** The batched requests by the lean client (own process), PIPELINE lanes on one h2c connection. */
function batchedLean(node: StartedNode) {
  const bodies = batchedRequests().map(sendBody);
  const lanes = Array.from({ length: PIPELINE }, (_, lane) => ({
    address: clientAddress(lane + 1),
    bodies: bodies.filter((_, i) => i % PIPELINE === lane),
  }));
  return sendLean({ url: node.url, protocol: "h2", lanes, messages: bodies.length * BATCH });
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
/** A lean run's rate, the node's CPU and the client's own CPU per message. */
const leanCell = (
  m: { value: { rate: number; cpuMs: number }; cpuMs: number; writes: number },
  n: number,
) =>
  `${f(m.value.rate)} (node ${perMsg(m, n)}; client ${Math.round((m.value.cpuMs * 1000) / n)} µs CPU/msg)`;

/** Both clients' batched lines for one node. */
async function batchedRows(node: StartedNode, db: string): Promise<string[][]> {
  const what = `${db}: node, ${BATCH} per request, ${PIPELINE} in flight on one h2c connection`;
  // Connect's first: the first run on a fresh node also pays its warm-up (JIT, pool).
  const connect = await withCpu(node.child.pid, () => batchedConnect(node));
  const lean = await withCpu(node.child.pid, () => batchedLean(node));
  return [
    [
      `${what}, lean client in its own process (goal ≥ 20,000)`,
      String(BATCHED),
      leanCell(lean, BATCHED),
    ],
    [
      `${what}, Connect's client in the bench's process`,
      String(BATCHED),
      `${f(connect.value)} (${perMsg(connect, BATCHED)})`,
    ],
  ];
}

/**
 * The goal's line: the lean client's single sends and the raw INSERTs of the same rows,
 * in ROUNDS alternated rounds (node then raw, raw then node, …), so both see the same
 * machine: on this VM either rate drifts by ±20 % within a minute, which made one run of
 * each a coin toss. Rates are totals over all rounds; `ratios` are each round's.
 */
async function singleRounds(node: StartedNode, schema: string, loads: PublisherLoad[]) {
  const raw = await openRawInserter(URL, schema, loads.length);
  const client = openLeanClient();
  const lean = { value: { rate: 0, cpuMs: 0 }, cpuMs: 0, writes: 0 };
  let leanMs = 0;
  let rawMs = 0;
  const ratios: number[] = [];
  try {
    // Both sides warm first (client JIT, connections), on rows not counted.
    const warm = publisherLoads(50);
    await client.send(leanJob(node, warm));
    await raw.insert(warm);
    for (let r = 0; r < ROUNDS; r++) {
      const part = loads.map((l) => {
        const size = Math.ceil(l.data.length / ROUNDS);
        return { groupId: l.groupId, data: l.data.slice(r * size, (r + 1) * size) };
      });
      const n = count(part);
      const viaNode = () => withCpu(node.child.pid, () => client.send(leanJob(node, part)));
      let m: Awaited<ReturnType<typeof viaNode>>;
      let rawRate: number;
      if (r % 2 === 0) {
        m = await viaNode();
        rawRate = await raw.insert(part);
      } else {
        rawRate = await raw.insert(part);
        m = await viaNode();
      }
      leanMs += (n * 1000) / m.value.rate;
      rawMs += (n * 1000) / rawRate;
      lean.value.cpuMs += m.value.cpuMs;
      lean.cpuMs += m.cpuMs;
      lean.writes += m.writes;
      ratios.push(m.value.rate / rawRate);
    }
  } finally {
    client.close();
    await raw.close();
  }
  const total = count(loads);
  lean.value.rate = (total * 1000) / leanMs;
  return { lean, rawRate: (total * 1000) / rawMs, ratios };
}

/** Each publisher's own group and its messages (SINGLE in all by default). */
const publisherLoads = (each = Math.ceil(SINGLE / PUBLISHERS)) =>
  Array.from({ length: PUBLISHERS }, () => {
    const groupId = randomGroupId();
    return { groupId, data: Array.from({ length: each }, () => message(groupId)) };
  });

/** The loads as the lean client's job: one HTTP/1.1 lane per publisher, one message per request. */
const leanJob = (node: StartedNode, loads: PublisherLoad[]) => ({
  url: node.url,
  protocol: "h1" as const,
  lanes: loads.map((l, p) => ({
    address: clientAddress(p + 1),
    bodies: l.data.map((d) => sendBody([d])),
  })),
  messages: count(loads),
});

export async function benchPublish(): Promise<string[][]> {
  const out: string[][] = [];
  const schema = freshSchema();
  const node = await startNode({ databaseUrl: URL, env: { DATABASE_SCHEMA: schema, ...LIFT } });
  try {
    const loads = publisherLoads();
    const total = count(loads);
    // Connect's client first (a fresh node's first sends also pay its warm-up), with other
    // messages (fresh groups): the same ones again would be duplicates, answered from the
    // stored rows.
    const connectLoads = publisherLoads();
    const single = await withCpu(node.child.pid, () => sendOneByOne(node.url, connectLoads));
    const { lean, rawRate, ratios } = await singleRounds(node, schema, loads);
    out.push([
      `PostgreSQL: node, one message per SendGroupMessages, ${PUBLISHERS} publishers (HTTP/1.1 keep-alive), lean client in its own process`,
      String(total),
      leanCell(lean, total),
    ]);
    out.push([
      `PostgreSQL: the same through Connect's client in the bench's process (other messages)`,
      String(total),
      `${f(single.value)} (${perMsg(single, total)})`,
    ]);
    out.push([
      `PostgreSQL: raw autocommit INSERT of the same rows, ${PUBLISHERS} connections`,
      String(total),
      f(rawRate),
    ]);
    out.push([
      `ratio node (lean client) / raw INSERT (goal ≥ 0.5); ${ratios.length} alternated rounds: ${ratios.map((r) => r.toFixed(2)).join(", ")}`,
      String(total),
      (lean.value.rate / rawRate).toFixed(2),
    ]);
    out.push([
      "ratio node (Connect's client in the bench's process) / raw INSERT",
      String(total),
      (single.value / rawRate).toFixed(2),
    ]);
    const storeRate = await storeOnly(schema, loads);
    out.push([
      `ratio of the node's insert statement alone (Store.insertGroupMessages, ${PUBLISHERS} writers in one process, ${f(storeRate)}) / raw INSERT`,
      String(total),
      (storeRate / rawRate).toFixed(2),
    ]);
    out.push(...(await batchedRows(node, "PostgreSQL")));
  } finally {
    await node.stop();
    await dropSchema(URL, schema).catch(() => undefined);
  }
  const embedded = await startNode({ env: LIFT });
  try {
    out.push(...(await batchedRows(embedded, "PGlite")));
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
  console.log(`
Lean client: bench/publish-client.ts in a process of its own, the bytes our app's Connect
client sends, pre-encoded (real clients are on other machines; the raw INSERT's client is a
bare pg client): the goal's lines. Connect's client: @connectrpc/connect-node in this bench's
process, on the same cores as the node and PostgreSQL. CPU per message is the node process's
(from /proc); "client" is the lean client's own.`);
  process.exit(0);
}
