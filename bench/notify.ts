// `npx tsx bench/notify.ts`: how far PostgreSQL LISTEN/NOTIFY (the node's cross-node
// fan-out) goes here: NOTIFYs per second from CONNECTIONS connections (one per
// autocommit statement, as the publish path sends them) and the delay until a listener
// on another connection has them. Payloads are the node's (~90 B: node id, topic, id);
// PostgreSQL caps one payload at 8,000 bytes and the queue at 8 GB.
// BENCH_NOTIFIES (default 20,000), BENCH_CONNECTIONS (default 8).
import os from "node:os";
import pg from "pg";
import { summary } from "./stats";

const URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
const N = Number(process.env.BENCH_NOTIFIES ?? 20_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);

const listener = new pg.Client({ connectionString: URL });
await listener.connect();
await listener.query("LISTEN bench_notify");
const delays: number[] = [];
let got = 0;
const all = new Promise<void>((resolve) =>
  listener.on("notification", (n) => {
    delays.push(performance.now() - Number(n.payload!.split(" ")[2]));
    if (++got === N) resolve();
  }),
);
const pool = new pg.Pool({ connectionString: URL, max: CONNECTIONS });
const topic = `g:${"ab".repeat(32)}`;
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: CONNECTIONS }, async () => {
    while (next++ < N) {
      await pool.query("SELECT pg_notify('bench_notify', $1)", [
        `0123abcd ${topic} ${performance.now()}`,
      ]);
    }
  }),
);
const sent = performance.now() - t0;
await all;
const s = summary("delay", delays);
console.log(
  `${new Date().toISOString()}, load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`,
);
console.log(
  `${N} NOTIFYs from ${CONNECTIONS} connections: ${Math.round((N * 1000) / sent)}/s sent; NOTIFY → listener p50 ${s.p50} ms, p99 ${s.p99} ms`,
);
await pool.end();
await listener.end();
