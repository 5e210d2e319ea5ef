// `npx tsx bench/fan-out.ts`: one message to many Subscribe streams on ONE node
// (issue 14: 1,000 streams p99 ≤ 100 ms; 10,000 streams within 1.5 GiB RSS, p99 ≤ 250 ms).
// SUBSCRIBERS streams (each its own client: own address in x-forwarded-for) follow one
// group; once all are caught up, MESSAGES messages are sent one at a time, GAP_MS apart
// (latency, not queueing); each sample = send start → arrival on one stream. Prints the
// node's RSS with every stream open and at the end, and its CPU per delivery.
// Streams ride h2c sessions, PER_SESSION each (a browser or proxy multiplexes them);
// BENCH_HTTP1=1 opens one HTTP/1.1 connection per stream instead. BENCH_RECEIVER=raw reads
// each stream with a bare node:http2 request that splits frames and decodes each message
// (what any client must do) without Connect's client-side async-iterable layers, so the
// receivers, which share the cores with the node here, cost less than the node itself.
// Sizes: BENCH_SUBSCRIBERS (default 1,000; BENCH_FULL=1 → 10,000), BENCH_FANOUT_MESSAGES
// (20), BENCH_GAP_MS (250). PostgreSQL: BENCH_DATABASE_URL / TEST_DATABASE_URL;
// BENCH_PGLITE=1 runs the node on its embedded store.
import fs from "node:fs";
import http2 from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { toHex } from "../lib/crypto";
import {
  NodeApi,
  SubscribeRequestSchema,
  SubscribeResponseSchema,
  type SubscribeRequest,
  type SubscribeResponse,
} from "../lib/proto/messenger/node/v1/node_pb";
import { startNode } from "../server/test/harness";
import { clients, privateMessage, randomGroupId } from "../server/test/helpers";
import { runsAlone, runHeader } from "./alone";
import { BENCH_DATABASE_URL, BENCH_NODE_ENV, clientAddress, withCpu } from "./publishers";
import { summary } from "./stats";

const FULL = process.env.BENCH_FULL === "1";
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? (FULL ? 10_000 : 1_000));
const MESSAGES = Number(process.env.BENCH_FANOUT_MESSAGES ?? 20);
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 250);
const PER_SESSION = Number(process.env.BENCH_STREAMS_PER_SESSION ?? 100);
const HTTP1 = process.env.BENCH_HTTP1 === "1";
const RAW = process.env.BENCH_RECEIVER === "raw";

/** Subscribe over a bare HTTP/2 stream (Connect protocol, binary): each response message in turn. */
async function* rawSubscribe(
  session: http2.ClientHttp2Session,
  req: SubscribeRequest,
  headers: Record<string, string>,
  signal: AbortSignal,
): AsyncGenerator<SubscribeResponse> {
  const stream = session.request({
    ":method": "POST",
    ":path": "/messenger.node.v1.NodeApi/Subscribe",
    "content-type": "application/connect+proto",
    ...headers,
  });
  signal.addEventListener("abort", () => stream.close(http2.constants.NGHTTP2_CANCEL));
  const body = toBinary(SubscribeRequestSchema, req);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length, 1);
  stream.end(Buffer.concat([head, body]));
  let buf: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      while (buf.length >= 5 && buf.length >= 5 + buf.readUInt32BE(1)) {
        const len = buf.readUInt32BE(1);
        if (buf[0]! & 2) return; // end-stream message
        yield fromBinary(SubscribeResponseSchema, buf.subarray(5, 5 + len));
        buf = buf.subarray(5 + len);
      }
    }
  } finally {
    stream.close(http2.constants.NGHTTP2_CANCEL);
  }
}

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
  /** The bench's own receiving side (decoding every stream's message), same cores. */
  clientCpuUsPerDelivery: number;
}

export async function benchFanOut(subscribers = SUBSCRIBERS): Promise<FanOutResult> {
  const node = await startNode({
    ...(process.env.BENCH_PGLITE === "1" ? {} : { databaseUrl: BENCH_DATABASE_URL }),
    env: BENCH_NODE_ENV,
  });
  const sessions: Http2SessionManager[] = [];
  const rawSessions: http2.ClientHttp2Session[] = [];
  const ac = new AbortController();
  try {
    const groupId = randomGroupId();
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let caughtUp = 0;
    let finished = 0;
    const subscribe = (i: number, req: SubscribeRequest, headers: Record<string, string>) => {
      if (!RAW) return apiFor(i).subscribe(req, { signal: ac.signal, headers });
      if (i % PER_SESSION === 0) rawSessions.push(http2.connect(node.url));
      return rawSubscribe(rawSessions.at(-1)!, req, headers, ac.signal);
    };
    const apiFor = (i: number) => {
      if (HTTP1) return clients(node.url).node;
      if (i % PER_SESSION === 0) sessions.push(new Http2SessionManager(node.url));
      const sessionManager = sessions.at(-1)!;
      const transport = createConnectTransport({
        baseUrl: node.url,
        httpVersion: "2",
        sessionManager,
      });
      return createClient(NodeApi, transport);
    };
    const allDone = new Promise<void>((resolve) => {
      for (let s = 0; s < subscribers; s++) {
        const req = create(SubscribeRequestSchema, {
          filters: [{ topic: { case: "groupId", value: groupId }, idCursor: 0n }],
        });
        const events = subscribe(s, req, { "x-forwarded-for": clientAddress(s + 1) });
        void (async () => {
          let got = 0;
          try {
            for await (const ev of events) {
              if (ev.event.case === "caughtUp") caughtUp++;
              if (ev.event.case !== "groupMessage") continue;
              const m = ev.event.value.version.value!;
              const at = sentAt.get(toHex(m.data.slice(-8)));
              if (at !== undefined) latencies.push(performance.now() - at);
              if (++got === MESSAGES) break;
            }
          } catch (err) {
            if (!ac.signal.aborted) console.error(`stream ${s}:`, err);
          }
          if (++finished === subscribers) resolve();
        })();
      }
    });
    while (caughtUp < subscribers) {
      if (finished > 0 && finished + caughtUp >= subscribers) break; // some failed: report it
      await new Promise((r) => setTimeout(r, 50));
    }
    const rssOpenMiB = rssMiB(node.child.pid);
    const sender = clients(node.url);
    const clientCpu0 = process.cpuUsage();
    const { cpuMs } = await withCpu(node.child.pid, async () => {
      for (let i = 0; i < MESSAGES; i++) {
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
        await new Promise((r) => setTimeout(r, GAP_MS));
      }
      await Promise.race([allDone, new Promise((r) => setTimeout(r, 60_000))]);
    });
    const clientCpu = process.cpuUsage(clientCpu0);
    return {
      clientCpuUsPerDelivery: (clientCpu.user + clientCpu.system) / Math.max(1, latencies.length),
      subscribers,
      latency: summary(`fan-out: send → arrival on each of ${subscribers} streams`, latencies),
      missing: subscribers * MESSAGES - latencies.length,
      rssOpenMiB,
      rssEndMiB: rssMiB(node.child.pid),
      cpuUsPerDelivery: (cpuMs * 1000) / Math.max(1, latencies.length),
    };
  } finally {
    ac.abort();
    for (const s of sessions) s.abort();
    for (const s of rawSessions) s.destroy();
    await node.stop();
  }
}

export function fanOutLine(r: FanOutResult): string {
  const l = r.latency;
  return `${r.subscribers.toLocaleString("en")} streams: p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms over ${l.n.toLocaleString("en")} deliveries (${r.missing} missing); node RSS ${Math.round(r.rssOpenMiB)} MiB with all open, ${Math.round(r.rssEndMiB)} MiB at the end; CPU per delivery: node ${r.cpuUsPerDelivery.toFixed(1)} µs, receiving clients ${r.clientCpuUsPerDelivery.toFixed(1)} µs`;
}

if (runsAlone(import.meta.url)) {
  const r = await benchFanOut();
  console.log(runHeader());
  console.log(
    `${HTTP1 ? "HTTP/1.1, one connection per stream" : `h2c, ${PER_SESSION} streams per session`}, ${RAW ? "bare HTTP/2 receivers" : "Connect client receivers"}, ${MESSAGES} messages ${GAP_MS} ms apart`,
  );
  console.log(fanOutLine(r));
  process.exit(0);
}
