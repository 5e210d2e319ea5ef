// Fan-out inside one node: many streams on one group share one read per message
// (shared-reads.ts), and sharing never costs a stream a row: under a burst of sends
// every stream gets every row once, in order.
import { describe, expect, it } from "vitest";
import { groupTopic, type GroupMessageRow } from "../store";
import { StreamEngine } from "../stream/engine";
import { countGroupReads, storeFixture } from "./stores";

const enc = new TextEncoder();
const t = storeFixture();

/** `n` streams on group `g`; each collects the ids it receives until `want` rows. */
function subscribers(engine: StreamEngine, g: Uint8Array, n: number, want: number) {
  const ac = new AbortController();
  let caughtUp = 0;
  const received = Array.from({ length: n }, () => [] as bigint[]);
  const done = Promise.all(
    received.map(async (ids) => {
      for await (const item of engine.stream(
        [{ kind: "g", key: g, topic: groupTopic(g), cursor: 0n }],
        ac.signal,
        { caughtUp: true, keepalive: false },
      )) {
        if (item.kind === "caught_up") caughtUp++;
        if (item.kind === "group") ids.push(item.row.id);
        if (ids.length === want) return;
      }
    }),
  );
  const ready = async () => {
    while (caughtUp < n) await new Promise((r) => setTimeout(r, 5));
  };
  return { received, done, ready, stop: () => ac.abort() };
}

const send = (g: Uint8Array, text: string) =>
  t.store.insertGroupMessages([
    { groupId: g, data: enc.encode(text), senderHmac: new Uint8Array(), shouldPush: false },
  ]);

describe("fan-out to many streams on one node", () => {
  it("reads a new message once for all 200 streams waiting on its group", async () => {
    const engine = new StreamEngine(t.store, t.bus, 60_000);
    const g = crypto.getRandomValues(new Uint8Array(16));
    const subs = subscribers(engine, g, 200, 1);
    await subs.ready();
    const counter = countGroupReads(t.store);
    try {
      const [row] = await send(g, "to everyone");
      await subs.done;
      expect(subs.received.every((ids) => ids.length === 1 && ids[0] === row!.id)).toBe(true);
      expect(counter.reads()).toBe(1);
    } finally {
      counter.restore();
      subs.stop();
    }
  });

  it("gives every stream every row exactly once, in order, while sends race the reads", async () => {
    const engine = new StreamEngine(t.store, t.bus, 60_000);
    const g = crypto.getRandomValues(new Uint8Array(16));
    const sends = 60;
    const subs = subscribers(engine, g, 50, sends);
    await subs.ready();
    const stored: GroupMessageRow[] = [];
    // Four senders at once: reads start while later rows are being committed.
    await Promise.all(
      [0, 1, 2, 3].map(async (w) => {
        for (let i = 0; i < sends / 4; i++) stored.push(...(await send(g, `w${w}-${i}`)));
      }),
    );
    await subs.done;
    const ids = stored.map((r) => r.id).sort((a, b) => (a < b ? -1 : 1));
    for (const got of subs.received) expect(got).toEqual(ids);
    subs.stop();
  });

  it("never lets a stream join a read that began before a row it must see", async () => {
    const engine = new StreamEngine(t.store, t.bus, 60_000);
    const g = crypto.getRandomValues(new Uint8Array(16));
    const first = subscribers(engine, g, 1, 2);
    await first.ready();
    // Reads answer late: a read keeps the rows it saw for 150 ms before handing them over.
    const real = t.store.queryGroupMessages.bind(t.store);
    t.store.queryGroupMessages = async (groupId, page) => {
      const rows = await real(groupId, page);
      await new Promise((r) => setTimeout(r, 150));
      return rows;
    };
    try {
      const [one] = await send(g, "one"); // the first stream starts a read: it sees "one" only
      await new Promise((r) => setTimeout(r, 30));
      const [two] = await send(g, "two"); // committed while that read is still in flight
      // Opened now, from the same cursor: it must see "two", so it cannot take that read's answer.
      const second = subscribers(engine, g, 1, 2);
      await Promise.all([first.done, second.done]);
      expect(first.received[0]).toEqual([one!.id, two!.id]);
      expect(second.received[0]).toEqual([one!.id, two!.id]);
      first.stop();
      second.stop();
    } finally {
      t.store.queryGroupMessages = real;
    }
  });
});
