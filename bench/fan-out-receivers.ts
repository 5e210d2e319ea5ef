// The receiving side of bench/fan-out.ts: Subscribe streams on one group, each noting
// when every message arrived ("events": when its frame was whole, decoding after; the
// others: after decoding it). They run in the bench's own process
// (the session-8 mode) or, with BENCH_RECEIVER_PROCESSES=N, spread over N child
// processes running this file, so 10,000 streams' decoding is not one event loop's
// queue that every arrival waits in (real receivers are 10,000 different machines).
//
// Receivers (BENCH_RECEIVER): "connect" = Connect's Node client; "raw" = a bare
// node:http2 request read as an async iterable (session 8); "events" = the same request
// read through 'data' events, no promise per chunk. All three split the frames and
// decode every message with fromBinary, as any client must.
import http2 from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { fromHex, toHex } from "../lib/crypto";
import {
  NodeApi,
  SubscribeRequestSchema,
  SubscribeResponseSchema,
  type SubscribeRequest,
  type SubscribeResponse,
} from "../lib/proto/messenger/node/v1/node_pb";
import { clients } from "../server/test/helpers";
import { runsAlone } from "./alone";
import { clientAddress } from "./publishers";

export type ReceiverKind = "connect" | "raw" | "events";

export interface ReceiverPlan {
  url: string;
  groupIdHex: string;
  /** Stream numbers [from, to): each is its own client (address in x-forwarded-for). */
  from: number;
  to: number;
  /** Each stream ends after this many group messages. */
  messages: number;
  kind: ReceiverKind;
  /** h2c streams per session; 0 = one HTTP/1.1 connection per stream (Connect receiver). */
  perSession: number;
}

/** Milliseconds on CLOCK_MONOTONIC: the same clock in every process of this machine. */
export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

/** The tag a bench message carries in its last 8 bytes. */
export const tagOf = (data: Uint8Array) => toHex(data.subarray(data.length - 8));

export interface Receivers {
  caughtUp(): number;
  /** Streams that ended: all their messages came, or they failed. */
  finished(): number;
  /** Arrival times (monotonicMs) by message tag. */
  arrivals: Map<string, number[]>;
  close(): void;
}

/** Splits a response body into its messages' payloads; `end` once the end-stream frame came. */
class FrameSplitter {
  private buf: Buffer = Buffer.alloc(0);
  end = false;

  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    while (!this.end && this.buf.length >= 5 && this.buf.length >= 5 + this.buf.readUInt32BE(1)) {
      const len = this.buf.readUInt32BE(1);
      if (this.buf[0]! & 2) this.end = true;
      else out.push(this.buf.subarray(5, 5 + len));
      this.buf = this.buf.subarray(5 + len);
    }
    return out;
  }
}

/** A Subscribe call over a bare HTTP/2 stream (Connect protocol, binary). */
function bareRequest(
  session: http2.ClientHttp2Session,
  req: SubscribeRequest,
  headers: Record<string, string>,
  signal: AbortSignal,
): http2.ClientHttp2Stream {
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
  return stream;
}

/** "raw": each response message in turn, through the stream's async iterator. */
async function* rawSubscribe(stream: http2.ClientHttp2Stream): AsyncGenerator<SubscribeResponse> {
  const frames = new FrameSplitter();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (const payload of frames.push(chunk)) yield fromBinary(SubscribeResponseSchema, payload);
      if (frames.end) return;
    }
  } finally {
    stream.close(http2.constants.NGHTTP2_CANCEL);
  }
}

/**
 * Frames the "events" receivers took off their streams in this turn of the event loop,
 * decoded after it (setImmediate). Why: one socket read brings a frame for each of up to
 * 100 streams of a session, and Node hands them to JS one after another; decoding each
 * before the next stream's 'data' ran made the last stream's arrival wait for the
 * decoding of all the others (and the first message's cold decode took ms). The arrival
 * time is taken when the frame is whole, before any decoding; every frame is still decoded.
 */
const undecoded: {
  payload?: Buffer;
  at: number;
  take: (m?: SubscribeResponse, at?: number) => void;
}[] = [];
function decodeLater(entry: (typeof undecoded)[number]): void {
  if (undecoded.length === 0) setImmediate(decodeAll);
  undecoded.push(entry);
}
function decodeAll(): void {
  const all = undecoded.splice(0);
  for (const e of all) e.take(e.payload && fromBinary(SubscribeResponseSchema, e.payload), e.at);
}

/** "events": `onMessage` per response message until it says stop; `onEnd` once. */
function eventSubscribe(
  stream: http2.ClientHttp2Stream,
  onMessage: (m: SubscribeResponse, at: number) => boolean,
  onEnd: (err?: unknown) => void,
): void {
  const frames = new FrameSplitter();
  let ended = false;
  const end = (err?: unknown) => {
    if (ended) return;
    ended = true;
    stream.close(http2.constants.NGHTTP2_CANCEL);
    onEnd(err);
  };
  // Messages and ends go through one queue, so an end never overtakes a frame.
  const take = (m?: SubscribeResponse, at?: number) => {
    if (ended) return;
    if (m === undefined) return end(endError);
    if (onMessage(m, at!)) end();
  };
  let endError: unknown;
  const endLater = (err?: unknown) => {
    endError ??= err;
    decodeLater({ at: 0, take });
  };
  stream.on("data", (chunk: Buffer) => {
    const at = monotonicMs();
    for (const payload of frames.push(chunk)) decodeLater({ payload, at, take });
    if (frames.end) endLater();
  });
  stream.once("error", endLater);
  stream.once("close", () => endLater());
}

export function openReceivers(plan: ReceiverPlan): Receivers {
  const ac = new AbortController();
  const h2: http2.ClientHttp2Session[] = [];
  const managers: Http2SessionManager[] = [];
  const arrivals = new Map<string, number[]>();
  let caughtUp = 0;
  let finished = 0;
  const groupId = fromHex(plan.groupIdHex);

  const session = (i: number) => {
    if ((i - plan.from) % plan.perSession === 0) h2.push(http2.connect(plan.url));
    return h2.at(-1)!;
  };
  const connectApi = (i: number) => {
    if (plan.perSession === 0) return clients(plan.url).node;
    if ((i - plan.from) % plan.perSession === 0) managers.push(new Http2SessionManager(plan.url));
    const transport = createConnectTransport({
      baseUrl: plan.url,
      httpVersion: "2",
      sessionManager: managers.at(-1)!,
    });
    return createClient(NodeApi, transport);
  };

  for (let i = plan.from; i < plan.to; i++) {
    const req = create(SubscribeRequestSchema, {
      filters: [{ topic: { case: "groupId", value: groupId }, idCursor: 0n }],
    });
    const headers = { "x-forwarded-for": clientAddress(i + 1) };
    let got = 0;
    /** One response message; true once this stream has all it waits for. */
    const onMessage = (ev: SubscribeResponse, at = monotonicMs()): boolean => {
      if (ev.event.case === "caughtUp") caughtUp++;
      if (ev.event.case !== "groupMessage") return false;
      const tag = tagOf(ev.event.value.version.value!.data);
      const times = arrivals.get(tag);
      if (times) times.push(at);
      else arrivals.set(tag, [at]);
      return ++got === plan.messages;
    };
    const onEnd = (err?: unknown) => {
      if (err && !ac.signal.aborted) console.error(`stream ${i}:`, err);
      finished++;
    };
    if (plan.kind === "events") {
      eventSubscribe(bareRequest(session(i), req, headers, ac.signal), onMessage, onEnd);
      continue;
    }
    const events =
      plan.kind === "raw"
        ? rawSubscribe(bareRequest(session(i), req, headers, ac.signal))
        : connectApi(i).subscribe(req, { signal: ac.signal, headers });
    void (async () => {
      try {
        for await (const ev of events) if (onMessage(ev)) break;
        onEnd();
      } catch (err) {
        onEnd(err);
      }
    })();
  }
  return {
    caughtUp: () => caughtUp,
    finished: () => finished,
    arrivals,
    close() {
      ac.abort();
      for (const m of managers) m.abort();
      for (const s of h2) s.destroy();
    },
  };
}

/** Parent → child: "measure" at the first send (CPU from then), "report" for the results. */
export type ToReceiverProcess = { type: "measure" } | { type: "report" };

/** Child → parent: progress every 50 ms, then the results once asked. */
export type FromReceiverProcess =
  | { type: "progress"; caughtUp: number; finished: number }
  | { type: "report"; arrivals: [string, number[]][]; cpuUs: number };

// A child process (fork): gets its plan as the first message, then follows the parent.
if (runsAlone(import.meta.url) && process.send) {
  let receivers: Receivers | undefined;
  let cpu0: NodeJS.CpuUsage | undefined;
  const progress = setInterval(() => {
    if (receivers) {
      const { caughtUp, finished } = receivers;
      process.send!({
        type: "progress",
        caughtUp: caughtUp(),
        finished: finished(),
      } satisfies FromReceiverProcess);
    }
  }, 50);
  process.on("message", (m: ReceiverPlan | ToReceiverProcess) => {
    if (!("type" in m)) receivers = openReceivers(m);
    else if (m.type === "measure") cpu0 = process.cpuUsage();
    else if (m.type === "report") {
      const cpu = process.cpuUsage(cpu0);
      clearInterval(progress);
      const report = { arrivals: [...receivers!.arrivals], cpuUs: cpu.user + cpu.system };
      receivers!.close();
      // Leave only once the report is out: disconnecting drops a message still queued.
      process.send!({ type: "report", ...report } satisfies FromReceiverProcess, () =>
        process.disconnect(),
      );
    }
  });
}
