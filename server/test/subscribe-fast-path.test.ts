// The Subscribe fast path (server/stream/fast-path.ts) on a real node process: after
// the first message, frames go straight into the HTTP response below Connect. Every
// protocol the node serves (Connect binary and JSON, gRPC-web, gRPC; HTTP/1.1 and h2c)
// must still see the same messages in order, then a clean end of stream; a client that
// stops reading must not hold the others nor make the node buffer without bound: it is
// cut, and resuming from its cursor gives it the rest exactly once.
import http2 from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createClient, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import { describe, expect, it } from "vitest";
import {
  NodeApi,
  SubscribeRequestSchema,
  SubscribeResponseSchema,
} from "../../lib/proto/messenger/node/v1/node_pb";
import { MlsApi } from "../../lib/proto/mls/api/v1/mls_pb";
import { startNode, type StartedNode } from "./harness";
import { privateMessage, randomGroupId } from "./helpers";
import { TEST_DATABASE_URL } from "./stores";

function start(env: Record<string, string> = {}): Promise<StartedNode> {
  return startNode({
    ...(TEST_DATABASE_URL ? { databaseUrl: TEST_DATABASE_URL } : {}),
    env: { HTTP2_CLEARTEXT: "1", ...env },
  });
}

/** A message whose last 4 bytes are its number, `size` bytes of ciphertext in all. */
function numbered(groupId: Uint8Array, n: number, size = 32): Uint8Array {
  const body = new Uint8Array(size);
  new DataView(body.buffer).setUint32(size - 4, n);
  return privateMessage(groupId, body);
}
const numberOf = (data: Uint8Array) =>
  new DataView(data.buffer, data.byteOffset + data.length - 4, 4).getUint32(0);

async function send(
  mls: ReturnType<typeof createClient<typeof MlsApi>>,
  groupId: Uint8Array,
  ns: number[],
  size?: number,
) {
  for (const n of ns) {
    await mls.sendGroupMessages({
      messages: [{ version: { case: "v1", value: { data: numbered(groupId, n, size) } } }],
    });
  }
}

const inboxHeader = (i: number) => ({ "x-inbox-id": (i + 1).toString(16).padStart(64, "0") });

describe("Subscribe fast path", () => {
  it("gives every protocol the same messages in order, then a clean end of stream", async () => {
    const node = await start();
    const h2 = new Http2SessionManager(node.url);
    const transports: Record<string, Transport> = {
      "Connect binary, HTTP/1.1": createConnectTransport({
        baseUrl: node.url,
        httpVersion: "1.1",
        useBinaryFormat: true,
      }),
      "Connect binary, h2c": createConnectTransport({
        baseUrl: node.url,
        httpVersion: "2",
        sessionManager: h2,
      }),
      "Connect JSON, HTTP/1.1 (Connect's own path)": createConnectTransport({
        baseUrl: node.url,
        httpVersion: "1.1",
        useBinaryFormat: false,
      }),
      "gRPC-web, HTTP/1.1": createGrpcWebTransport({ baseUrl: node.url, httpVersion: "1.1" }),
      "gRPC-web, h2c": createGrpcWebTransport({
        baseUrl: node.url,
        httpVersion: "2",
        sessionManager: h2,
      }),
      "gRPC, h2c": createGrpcTransport({ baseUrl: node.url, sessionManager: h2 }),
    };
    const mls = createClient(MlsApi, transports["Connect binary, HTTP/1.1"]!);
    try {
      const groupId = randomGroupId();
      // 2 in the backlog (the first of them goes through Connect, the second direct), then
      // live ones; 3 is 4 KiB, so a stream that accepts gzip gets a message Connect would
      // have compressed as an uncompressed frame (flag 0), which every protocol allows.
      await send(mls, groupId, [1, 2]);
      const names = Object.keys(transports);
      const caughtUp: boolean[] = names.map(() => false);
      const streams = names.flatMap((name, i) => {
        const t = transports[name]!;
        const ours = (async () => {
          const got: number[] = [];
          for await (const ev of createClient(NodeApi, t).subscribe(
            { filters: [{ topic: { case: "groupId", value: groupId }, idCursor: 0n }] },
            { headers: inboxHeader(i) },
          )) {
            if (ev.event.case === "groupMessage")
              got.push(numberOf(ev.event.value.version.value!.data));
            if (ev.event.case === "caughtUp") {
              got.push(0);
              caughtUp[i] = true;
            }
          }
          return got;
        })();
        const xmtp = (async () => {
          const got: number[] = [];
          for await (const m of createClient(MlsApi, t).subscribeGroupMessages(
            { filters: [{ groupId, idCursor: 0n }] },
            { headers: inboxHeader(i + names.length) },
          )) {
            got.push(numberOf(m.version.value!.data));
          }
          return got;
        })();
        return [
          ours.then(
            (got) => ({ name: `Subscribe over ${name}`, got, err: undefined as unknown }),
            (err) => ({ name: `Subscribe over ${name}`, got: [] as number[], err }),
          ),
          xmtp.then(
            (got) => ({
              name: `SubscribeGroupMessages over ${name}`,
              got,
              err: undefined as unknown,
            }),
            (err) => ({ name: `SubscribeGroupMessages over ${name}`, got: [] as number[], err }),
          ),
        ];
      });
      // Every stream open and caught up before the live sends: count them on the node, and
      // wait for each Subscribe's caughtUp (under load a catch-up read could still be running
      // and take the first live messages, putting its caughtUp after them).
      for (
        let i = 0;
        i < 400 &&
        (node.logs.filter((l) => l.includes("stream opened")).length < streams.length ||
          caughtUp.includes(false));
        i++
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await send(mls, groupId, [3], 4096);
      await send(mls, groupId, [4, 5, 6]);
      await new Promise((r) => setTimeout(r, 500));
      // SIGTERM ends every stream: after direct frames, Connect's end-stream message, the
      // gRPC trailers and the gRPC-web trailer frame must still parse as a clean end.
      await node.stop();
      const results = await Promise.all(streams);
      for (const r of results) {
        expect({ name: r.name, err: r.err === undefined ? undefined : String(r.err) }).toEqual({
          name: r.name,
          err: undefined,
        });
        const expected = r.name.startsWith("Subscribe over")
          ? [1, 2, 0, 3, 4, 5, 6]
          : [1, 2, 3, 4, 5, 6];
        expect({ name: r.name, got: r.got }).toEqual({ name: r.name, got: expected });
      }
    } finally {
      h2.abort();
      await node.stop();
    }
  });

  it("cuts a stream whose client stopped reading, holding at most the cap, while others get everything; resuming from its cursor loses nothing", async () => {
    const CAP = 64 * 1024;
    const SIZE = 40 * 1024;
    const COUNT = 40; // 1.6 MB: far past one HTTP/2 window (64 KiB) and the cap
    const node = await start({ STREAM_SEND_BUFFER_BYTES: String(CAP), STREAM_STALL_SECONDS: "1" });
    const h2 = new Http2SessionManager(node.url);
    const mls = createClient(
      MlsApi,
      createConnectTransport({ baseUrl: node.url, httpVersion: "2", sessionManager: h2 }),
    );
    const readerSession = new Http2SessionManager(node.url);
    const reader = createClient(
      NodeApi,
      createConnectTransport({
        baseUrl: node.url,
        httpVersion: "2",
        sessionManager: readerSession,
      }),
    );
    const slowSession = http2.connect(node.url);
    try {
      const groupId = randomGroupId();
      const filter = (cursor: bigint) => ({
        topic: { case: "groupId" as const, value: groupId },
        idCursor: cursor,
      });

      // The slow client: a bare HTTP/2 stream that reads its first frames, then stops.
      const slow = slowSession.request({
        ":method": "POST",
        ":path": "/messenger.node.v1.NodeApi/Subscribe",
        "content-type": "application/connect+proto",
        ...inboxHeader(1),
      });
      const body = toBinary(
        SubscribeRequestSchema,
        create(SubscribeRequestSchema, { filters: [filter(0n)] }),
      );
      const head = Buffer.alloc(5);
      head.writeUInt32BE(body.length, 1);
      slow.end(Buffer.concat([head, body]));
      let raw = Buffer.alloc(0);
      const slowCaughtUp = new Promise<void>((resolve) =>
        slow.on("data", (chunk: Buffer) => {
          raw = Buffer.concat([raw, chunk]);
          if (raw.length > 0) {
            slow.pause(); // stops reading: no more WINDOW_UPDATEs, the node's writes back up
            resolve();
          }
        }),
      );
      const slowEnded = new Promise<number>((resolve) =>
        slow.on("close", () => resolve(slow.rstCode ?? -1)),
      );
      slow.on("error", () => undefined);

      // A reader that keeps up, on its own connection.
      let readerCaughtUp!: () => void;
      const caughtUp = new Promise<void>((r) => (readerCaughtUp = r));
      const fast = (async () => {
        const got: number[] = [];
        for await (const ev of reader.subscribe(
          { filters: [filter(0n)] },
          { headers: inboxHeader(2) },
        )) {
          if (ev.event.case === "caughtUp") readerCaughtUp();
          if (ev.event.case !== "groupMessage") continue;
          got.push(numberOf(ev.event.value.version.value!.data));
          if (got.length === COUNT) return got;
        }
        return got;
      })();
      await Promise.all([slowCaughtUp, caughtUp]);
      const started = Date.now();
      await send(
        mls,
        groupId,
        Array.from({ length: COUNT }, (_, i) => i + 1),
        SIZE,
      );

      // The reader that keeps up is not held by the one that stopped.
      expect(await fast).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));
      // The stalled stream is cut once it sat over the cap for the stall time, with at most
      // the cap plus one frame waiting in the node.
      const rst = await slowEnded;
      expect(rst).not.toBe(0);
      expect(Date.now() - started).toBeLessThan(15_000);
      const line = await node.logLine((l) => l.includes("stream cut"));
      expect(line).toBeDefined();
      const buffered = Number(JSON.parse(line!).bufferedBytes);
      expect(buffered).toBeGreaterThan(CAP);
      expect(buffered).toBeLessThanOrEqual(CAP + SIZE + 1024);

      // What reached the slow client before the cut, frame by frame: caught_up, then rows.
      slow.resume();
      const seen: { id: bigint; n: number }[] = [];
      for (let at = 0; at + 5 <= raw.length;) {
        const len = raw.readUInt32BE(at + 1);
        if (at + 5 + len > raw.length) break; // the cut left a partial frame
        const ev = fromBinary(SubscribeResponseSchema, raw.subarray(at + 5, at + 5 + len)).event;
        if (ev.case === "groupMessage") {
          const m = ev.value.version.value!;
          seen.push({ id: m.id, n: numberOf(m.data) });
        }
        at += 5 + len;
      }
      expect(seen.length).toBeLessThan(COUNT);
      // Resuming from the last id it holds gives it the rest, once, in order.
      const cursor = seen.at(-1)?.id ?? 0n;
      const rest: number[] = [];
      for await (const ev of reader.subscribe(
        { filters: [filter(cursor)] },
        { headers: inboxHeader(1) },
      )) {
        if (ev.event.case === "groupMessage")
          rest.push(numberOf(ev.event.value.version.value!.data));
        if (ev.event.case === "caughtUp") break;
      }
      expect([...seen.map((s) => s.n), ...rest]).toEqual(
        Array.from({ length: COUNT }, (_, i) => i + 1),
      );
    } finally {
      slowSession.destroy();
      readerSession.abort();
      h2.abort();
      await node.stop();
    }
  });
});
