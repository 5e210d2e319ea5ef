// `npx tsx bench/fan-out.ts`: one message to many Subscribe streams on ONE node
// (issue 14: 1,000 streams p99 ≤ 100 ms; 10,000 streams within 1.5 GiB RSS, p99 ≤ 250 ms).
// SUBSCRIBERS streams (each its own client: own address in x-forwarded-for) follow one
// group; once all are caught up, MESSAGES messages are sent one at a time, GAP_MS apart
// (latency, not queueing); each sample = send start → arrival on one stream. Prints the
// node's RSS with every stream open and at the end, and its CPU per delivery.
// Streams ride h2c sessions, PER_SESSION each (a browser or proxy multiplexes them);
// BENCH_HTTP1=1 opens one HTTP/1.1 connection per stream instead (Connect receivers only).
// BENCH_RECEIVER picks how streams are read (fan-out-receivers.ts): connect (default),
// raw (bare node:http2 requests read as async iterables: session 8's figures) or events
// (the same requests read through 'data' events). BENCH_RECEIVER_PROCESSES=N runs the
// receivers in N child processes instead of this one (0, the default, is session 8's
// setup): in one event loop the last of 10,000 arrivals waits behind the decoding of
// the 9,999 before it, a queue that real receivers on 10,000 machines never form.
// Sizes: BENCH_SUBSCRIBERS (default 1,000; BENCH_FULL=1 → 10,000), BENCH_FANOUT_MESSAGES
// (20), BENCH_GAP_MS (250). BENCH_WARM_SENDS=N: N sends to another group first (a warm
// node; the goal's line is the default, 0: the first measured send runs cold). PostgreSQL: BENCH_DATABASE_URL / TEST_DATABASE_URL;
// BENCH_PGLITE=1 runs the node on its embedded store.
// BENCH_NODES=N (PostgreSQL; issue 14: three nodes, cross-node delivery p99 ≤ 150 ms):
// N node processes on one database, the receiver processes (at least N) spread over them,
// message i sent through node i mod N; the cross-node line counts only deliveries whose
// stream sits on another node than the send.
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { toHex } from "../lib/crypto";
import { startNode, type StartedNode } from "../server/test/harness";
import { dropSchema, freshSchema } from "../server/test/pg-schema";
import { clients, privateMessage, randomGroupId } from "../server/test/helpers";
import { runsAlone, runHeader } from "./alone";
import {
  monotonicMs,
  openReceivers,
  type FromReceiverProcess,
  type ReceiverKind,
  type ReceiverPlan,
  type ToReceiverProcess,
} from "./fan-out-receivers";
import { BENCH_DATABASE_URL, BENCH_NODE_ENV, cpuMs, writeCalls } from "./publishers";
import { summary } from "./stats";

const FULL = process.env.BENCH_FULL === "1";
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? (FULL ? 10_000 : 1_000));
const MESSAGES = Number(process.env.BENCH_FANOUT_MESSAGES ?? 20);
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 250);
const PER_SESSION = Number(process.env.BENCH_STREAMS_PER_SESSION ?? 100);
const WARM_SENDS = Number(process.env.BENCH_WARM_SENDS ?? 0);
const HTTP1 = process.env.BENCH_HTTP1 === "1";
const RECEIVER = (process.env.BENCH_RECEIVER ?? "connect") as ReceiverKind;
const NODES = Number(process.env.BENCH_NODES ?? 1);
/** With several nodes, at least one receiver process per node (each reads from one node). */
const PROCESSES = Math.max(
  Number(process.env.BENCH_RECEIVER_PROCESSES ?? 0),
  NODES > 1 ? NODES : 0,
);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Resident memory of a process in MiB (VmRSS), NaN where /proc is missing. */
function rssMiB(pid: number | undefined): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
  } catch {
    return NaN;
  }
}

export interface FanOutResult {
  subscribers: number;
  latency: ReturnType<typeof summary>;
  /** Deliveries expected that never came within the wait. */
  missing: number;
  rssOpenMiB: number;
  rssEndMiB: number;
  cpuUsPerDelivery: number;
  /** Write system calls the node made per message sent (to sockets: one per session is the floor). */
  nodeWritesPerMessage: number;
  /** The bench's receiving side (decoding every stream's message), same cores. */
  clientCpuUsPerDelivery: number;
  /** Each message's slowest delivery, in send order: where the tail sits. */
  slowestPerMessage: number[];
  nodes: number;
  /** With several nodes: only the deliveries whose stream is on another node than the send. */
  crossNode?: ReturnType<typeof summary>;
}

/** Where the receivers run: this process, or child processes (fan-out-receivers.ts). */
interface ReceiverSide {
  caughtUp(): number;
  finished(): number;
  /** The receivers' CPU counts from now (the first send). */
  measure(): void;
  /** Arrivals by message tag, per node the streams read from. */
  report(): Promise<{ parts: { node: number; arrivals: Map<string, number[]> }[]; cpuUs: number }>;
  close(): void;
}

function receiversHere(plan: ReceiverPlan): ReceiverSide {
  const r = openReceivers(plan);
  let cpu0: NodeJS.CpuUsage | undefined;
  return {
    caughtUp: r.caughtUp,
    finished: r.finished,
    measure: () => (cpu0 = process.cpuUsage()),
    report() {
      const cpu = process.cpuUsage(cpu0); // the sender's share included, as in session 8
      return Promise.resolve({
        parts: [{ node: 0, arrivals: r.arrivals }],
        cpuUs: cpu.user + cpu.system,
      });
    },
    close: r.close,
  };
}

/** Receiver process k reads from urls[k mod urls.length]. */
function receiversInProcesses(plan: ReceiverPlan, processes: number, urls: string[]): ReceiverSide {
  const script = fileURLToPath(new URL("./fan-out-receivers.ts", import.meta.url));
  const per = Math.ceil((plan.to - plan.from) / processes);
  const children: { child: ChildProcess; node: number; caughtUp: number; finished: number }[] = [];
  for (let from = plan.from; from < plan.to; from += per) {
    const child = fork(script, [], { execArgv: ["--import", "tsx"], cwd: ROOT });
    const node = children.length % urls.length;
    const entry = { child, node, caughtUp: 0, finished: 0 };
    child.on("message", (m: FromReceiverProcess) => {
      if (m.type === "progress") Object.assign(entry, m);
    });
    child.send({
      ...plan,
      url: urls[node]!,
      from,
      to: Math.min(plan.to, from + per),
    } satisfies ReceiverPlan);
    children.push(entry);
  }
  const tell = (child: ChildProcess, m: ToReceiverProcess) => child.send(m);
  const sum = (f: (c: (typeof children)[number]) => number) =>
    children.reduce((n, c) => n + f(c), 0);
  return {
    caughtUp: () => sum((c) => c.caughtUp),
    finished: () => sum((c) => c.finished),
    measure: () => children.forEach((c) => tell(c.child, { type: "measure" })),
    async report() {
      const reports = await Promise.all(
        children.map(
          ({ child, node }) =>
            new Promise<Extract<FromReceiverProcess, { type: "report" }> & { node: number }>(
              (resolve, reject) => {
                child.on(
                  "message",
                  (m: FromReceiverProcess) => m.type === "report" && resolve({ ...m, node }),
                );
                child.once("exit", (code) =>
                  reject(new Error(`a receiver process exited (${code})`)),
                );
                tell(child, { type: "report" });
              },
            ),
        ),
      );
      return {
        parts: reports.map((r) => ({ node: r.node, arrivals: new Map(r.arrivals) })),
        cpuUs: reports.reduce((n, r) => n + r.cpuUs, 0),
      };
    },
    close: () => children.forEach((c) => c.child.kill()),
  };
}

export async function benchFanOut(subscribers = SUBSCRIBERS): Promise<FanOutResult> {
  if (HTTP1 && RECEIVER !== "connect")
    throw new Error("BENCH_HTTP1=1 needs BENCH_RECEIVER=connect");
  const pglite = process.env.BENCH_PGLITE === "1";
  if (NODES > 1 && pglite) throw new Error("BENCH_NODES needs PostgreSQL (not BENCH_PGLITE)");
  // Several nodes share one schema (as a deployment does); one node gets its own.
  const schema = NODES > 1 ? freshSchema() : undefined;
  const nodes: StartedNode[] = [];
  try {
    for (let i = 0; i < NODES; i++)
      nodes.push(
        await startNode({
          ...(pglite ? {} : { databaseUrl: BENCH_DATABASE_URL }),
          env: { ...BENCH_NODE_ENV, ...(schema ? { DATABASE_SCHEMA: schema } : {}) },
        }),
      );
    return await fanOutThrough(nodes, subscribers);
  } finally {
    for (const n of nodes) await n.stop();
    if (schema) await dropSchema(BENCH_DATABASE_URL, schema).catch(() => undefined);
  }
}

async function fanOutThrough(nodes: StartedNode[], subscribers: number): Promise<FanOutResult> {
  const node = nodes[0]!;
  const groupId = randomGroupId();
  const plan: ReceiverPlan = {
    url: node.url,
    groupIdHex: toHex(groupId),
    from: 0,
    to: subscribers,
    messages: MESSAGES,
    kind: RECEIVER,
    perSession: HTTP1 ? 0 : PER_SESSION,
  };
  const urls = nodes.map((n) => n.url);
  const receivers =
    PROCESSES > 0 ? receiversInProcesses(plan, PROCESSES, urls) : receiversHere(plan);
  try {
    while (receivers.caughtUp() < subscribers) {
      // Some failed: report it.
      if (receivers.finished() > 0 && receivers.finished() + receivers.caughtUp() >= subscribers) {
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const rssOpenMiB = rssMiB(node.child.pid);
    const senders = nodes.map((n) => clients(n.url));
    // BENCH_WARM_SENDS (not the goal's line, which starts cold): sends to a group no
    // stream follows, so the sender's client and connection and the node's send path
    // have run before the first measured send (a node in service has).
    for (let i = 0; i < WARM_SENDS; i++) {
      const data = privateMessage(randomGroupId(), crypto.getRandomValues(new Uint8Array(8)));
      await senders[i % senders.length]!.mls.sendGroupMessages({
        messages: [{ version: { case: "v1", value: { data, shouldPush: true } } }],
      });
    }
    const sentAt = new Map<string, number>();
    const sentFrom = new Map<string, number>();
    receivers.measure();
    const pids = nodes.map((n) => n.child.pid);
    const sum = (f: (pid: number | undefined) => number) =>
      pids.reduce<number>((n, p) => n + f(p), 0);
    const cpu0 = sum(cpuMs);
    const writes0 = sum(writeCalls);
    for (let i = 0; i < MESSAGES; i++) {
      const tag = crypto.getRandomValues(new Uint8Array(8));
      sentAt.set(toHex(tag), monotonicMs());
      sentFrom.set(toHex(tag), i % senders.length);
      await senders[i % senders.length]!.mls.sendGroupMessages({
        messages: [
          {
            version: {
              case: "v1",
              value: { data: privateMessage(groupId, tag), shouldPush: true },
            },
          },
        ],
      });
      await new Promise((r) => setTimeout(r, GAP_MS));
    }
    for (let waited = 0; receivers.finished() < subscribers && waited < 60_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const nodeCpuMs = sum(cpuMs) - cpu0;
    const writes = sum(writeCalls) - writes0;
    const { parts, cpuUs } = await receivers.report();
    const latencies: number[] = [];
    const crossNode: number[] = [];
    const slowestPerMessage: number[] = [];
    for (const [tag, at] of sentAt) {
      let slowest = NaN;
      for (const part of parts) {
        for (const t of part.arrivals.get(tag) ?? []) {
          latencies.push(t - at);
          if (part.node !== sentFrom.get(tag)) crossNode.push(t - at);
          if (!(t - at <= slowest)) slowest = t - at;
        }
      }
      slowestPerMessage.push(slowest);
    }
    return {
      clientCpuUsPerDelivery: cpuUs / Math.max(1, latencies.length),
      subscribers,
      latency: summary(`fan-out: send → arrival on each of ${subscribers} streams`, latencies),
      missing: subscribers * MESSAGES - latencies.length,
      rssOpenMiB,
      rssEndMiB: rssMiB(node.child.pid),
      cpuUsPerDelivery: (nodeCpuMs * 1000) / Math.max(1, latencies.length),
      nodeWritesPerMessage: writes / MESSAGES,
      slowestPerMessage,
      nodes: nodes.length,
      ...(nodes.length > 1
        ? { crossNode: summary("fan-out: send → arrival on another node's streams", crossNode) }
        : {}),
    };
  } finally {
    receivers.close();
  }
}

export function fanOutLine(r: FanOutResult): string {
  const l = r.latency;
  const cross = r.crossNode
    ? `; across ${r.nodes} nodes, the deliveries to another node's streams: p50 ${r.crossNode.p50} ms, p95 ${r.crossNode.p95} ms, p99 ${r.crossNode.p99} ms over ${r.crossNode.n.toLocaleString("en")} (goal p99 ≤ 150 ms); node CPU and write calls summed over the nodes, RSS of the first`
    : "";
  return `${r.subscribers.toLocaleString("en")} streams: p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms over ${l.n.toLocaleString("en")} deliveries (${r.missing} missing); node RSS ${Math.round(r.rssOpenMiB)} MiB with all open, ${Math.round(r.rssEndMiB)} MiB at the end; CPU per delivery: node ${r.cpuUsPerDelivery.toFixed(1)} µs, receiving clients ${r.clientCpuUsPerDelivery.toFixed(1)} µs; node write calls per message ${Math.round(r.nodeWritesPerMessage)}${cross}`;
}

if (runsAlone(import.meta.url)) {
  const r = await benchFanOut();
  console.log(runHeader());
  console.log(
    `${HTTP1 ? "HTTP/1.1, one connection per stream" : `h2c, ${PER_SESSION} streams per session`}, ${RECEIVER} receivers ${PROCESSES > 0 ? `in ${PROCESSES} processes` : "in the bench's process"}, ${MESSAGES} messages ${GAP_MS} ms apart${WARM_SENDS > 0 ? `, after ${WARM_SENDS} warm-up sends to another group (not the goal's line)` : ""}`,
  );
  console.log(fanOutLine(r));
  console.log(
    `slowest delivery of each message, in send order (ms): ${r.slowestPerMessage.map((ms) => ms.toFixed(1)).join(" ")}`,
  );
  process.exit(0);
}
