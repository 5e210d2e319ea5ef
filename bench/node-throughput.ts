// `npx tsx bench/node-throughput.ts`: the node on PostgreSQL, measured in one run:
//   1. publish throughput: real MLS application messages (encrypted beforehand), several
//      concurrent publishers (each its own client), one SendGroupMessages per message;
//   2. the same rows INSERTed straight into PostgreSQL by as many connections (the
//      ratio node / raw is the figure: what the node costs over the database);
//   3. fan-out latency: SUBSCRIBERS Subscribe streams on one group (bench/fan-out.ts).
// The publisher loop and the raw INSERTs are bench/publishers.ts, shared with publish.ts.
// Needs PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL
// (default postgres://postgres@127.0.0.1:5432/test). Uses a throwaway schema.
import { utf8, toHex } from "../lib/crypto";
import { createGroup, encryptApplication, type GroupHandle } from "../lib/mls";
import { startNode } from "../server/test/harness";
import { newInstallation } from "../server/test/helpers";
import { dropSchema, freshSchema } from "../server/test/pg-schema";
import { runsAlone } from "./alone";
import { benchFanOut } from "./fan-out";
import {
  BENCH_DATABASE_URL as URL,
  BENCH_NODE_ENV as LIFT,
  count,
  insertRaw,
  sendOneByOne,
  withCpu,
  type PublisherLoad,
} from "./publishers";

const PUBLISHERS = Number(process.env.BENCH_PUBLISHERS ?? 8);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 4000);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);

export interface Row {
  name: string;
  n: number;
  p50: number | string;
  p95: number | string;
  p99: number | string;
  unit: string;
}

/** One real MLS group per publisher; every message encrypted before the clock starts. */
async function realMessages(): Promise<PublisherLoad[]> {
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
  const f = (x: number) => `${Math.round(x)} msg/s`;
  try {
    const loads = await realMessages();
    const total = count(loads);
    const avgBytes = Math.round(
      loads[0]!.data.reduce((n, d) => n + d.length, 0) / loads[0]!.data.length,
    );
    const single = await withCpu(node.child.pid, () => sendOneByOne(node.url, loads));
    const rawRate = await insertRaw(URL, schema, loads);
    const row = (name: string, p50: string): Row => ({
      name,
      n: total,
      p50,
      p95: "—",
      p99: "—",
      unit: "",
    });
    rows.push(
      row(
        `node publish, ${PUBLISHERS} publishers, real MLS messages (~${avgBytes} B), PostgreSQL`,
        `${f(single.value)} (${Math.round((single.cpuMs * 1000) / total)} µs node CPU/msg)`,
      ),
    );
    rows.push(row(`raw PostgreSQL INSERT of the same rows, ${PUBLISHERS} connections`, f(rawRate)));
    rows.push(row("ratio node / raw INSERT", (single.value / rawRate).toFixed(2)));
  } finally {
    await node.stop();
    await dropSchema(URL, schema).catch(() => undefined);
  }
  const fan = await benchFanOut(SUBSCRIBERS);
  rows.push({ ...fan.latency, unit: "ms" });
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
