// The stream engine in-process: streams end on client abort and on shutdown, and
// leave no listener behind.
import { describe, expect, it } from "vitest";
import { groupTopic } from "../store";
import { StreamEngine, type StreamItem } from "../stream/engine";
import { storeFixture } from "./stores";

const enc = new TextEncoder();
const t = storeFixture();

function filter(groupId: Uint8Array, cursor = 0n) {
  return { kind: "g" as const, key: groupId, topic: groupTopic(groupId), cursor };
}

async function take(it: AsyncGenerator<StreamItem>, n: number): Promise<StreamItem[]> {
  const out: StreamItem[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe("StreamEngine", () => {
  it("delivers backlog, caught_up, then live rows, and releases its listeners on abort", async () => {
    const engine = new StreamEngine(t.store, t.bus, 60_000);
    const g = crypto.getRandomValues(new Uint8Array(16));
    await t.store.insertGroupMessages([
      { groupId: g, data: enc.encode("old"), senderHmac: new Uint8Array(), shouldPush: false },
    ]);
    const ac = new AbortController();
    const stream = engine.stream([filter(g), filter(g)], ac.signal, {
      caughtUp: true,
      keepalive: true,
    });
    const first = await take(stream, 2);
    expect(first.map((i) => i.kind)).toEqual(["group", "caught_up"]); // duplicate filters merged
    expect(t.bus.listenerCount()).toBe(1);
    const next = stream.next();
    await t.store.insertGroupMessages([
      { groupId: g, data: enc.encode("new"), senderHmac: new Uint8Array(), shouldPush: false },
    ]);
    const live = (await next).value as StreamItem;
    expect(live.kind === "group" && new TextDecoder().decode(live.row.data)).toBe("new");
    const ending = stream.next();
    ac.abort();
    expect((await ending).done).toBe(true);
    expect(t.bus.listenerCount()).toBe(0);
    expect(engine.activeStreams).toBe(0);
  });

  it("ends every open stream on close (graceful shutdown)", async () => {
    const engine = new StreamEngine(t.store, t.bus, 60_000);
    const g = crypto.getRandomValues(new Uint8Array(16));
    const stream = engine.stream([filter(g)], new AbortController().signal, {
      caughtUp: true,
      keepalive: false,
    });
    expect((await stream.next()).value).toEqual({ kind: "caught_up" });
    const waiting = stream.next();
    engine.close();
    expect((await waiting).done).toBe(true);
    expect(t.bus.listenerCount()).toBe(0);
  });

  it("sends keepalives on a quiet stream", async () => {
    const engine = new StreamEngine(t.store, t.bus, 50);
    const ac = new AbortController();
    const stream = engine.stream([filter(crypto.getRandomValues(new Uint8Array(16)))], ac.signal, {
      caughtUp: true,
      keepalive: true,
    });
    const items = await take(stream, 3);
    ac.abort();
    await stream.return(undefined);
    expect(items.map((i) => i.kind)).toEqual(["caught_up", "keepalive", "keepalive"]);
  });
});
