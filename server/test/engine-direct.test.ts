// Live delivery without waking each stream (engine.ts, DirectDelivery): a row sent on
// this node is written to every parked stream at the row's previous id with no read; a
// row from elsewhere is read once and written for all parked streams in one loop; and
// the mix of direct writes and the streams' own generators never loses, repeats or
// reorders a row, also when responses are full (room promises), not ready yet, behind,
// or when sends race, on one node or two.
import { describe, expect, it } from "vitest";
import { groupTopic, type EventBus, type GroupMessageRow, type Store } from "../store";
import type { BusEvent } from "../stream/bus";
import { StreamEngine, type DirectDelivery, type StreamItem } from "../stream/engine";
import { countGroupReads, storeFixture, storeKinds, TEST_DATABASE_URL } from "./stores";

const enc = new TextEncoder();
const dec = new TextDecoder();

const sendOn = (store: Store, g: Uint8Array, text: string) =>
  store.insertGroupMessages([
    { groupId: g, data: enc.encode(text), senderHmac: new Uint8Array(), shouldPush: false },
  ]);

/**
 * Until the returned restore(): the bus events of this node's sends for which `which`
 * holds arrive as those of another node do (NOTIFY): a topic and an id, no rows.
 */
function rowsStripped(bus: EventBus, which: (e: BusEvent) => boolean = () => true): () => void {
  const real = bus.publish.bind(bus);
  bus.publish = (e) => real(which(e) ? { topic: e.topic, id: e.id } : e);
  return () => (bus.publish = real);
}

interface Sub {
  /** Every row id this stream's response got, in order, whichever path wrote it. */
  ids: bigint[];
  /** Of those, how many came through the stream's own generator after it caught up. */
  viaGenerator: number;
  /** Writes attempted while the response had said it was full. */
  overfilled: number;
}

/**
 * `n` streams on group `g`, each with a response that records what is written to it.
 * `full(i, k)`: the k-th direct write of stream i leaves its response full for a few ms.
 * `readyAfterFirst`: direct writes allowed only once a row went through the generator
 * (as fast-path.ts does: Connect sends the first message).
 */
function subscribers(
  engine: StreamEngine,
  g: Uint8Array,
  n: number,
  want: number,
  opts: {
    full?: (i: number, k: number) => boolean;
    readyAfterFirst?: boolean;
  } = {},
) {
  const ac = new AbortController();
  let caughtUp = 0;
  const subs: Sub[] = Array.from({ length: n }, () => ({
    ids: [],
    viaGenerator: 0,
    overfilled: 0,
  }));
  const done = Promise.all(
    subs.map(async (sub, i) => {
      let waiting: Promise<void> | undefined;
      let writes = 0;
      let live = false;
      const direct: DirectDelivery = {
        ready: () => !opts.readyAfterFirst || sub.ids.length > 0,
        write(items: readonly StreamItem[]) {
          if (waiting) sub.overfilled++;
          for (const item of items) if (item.kind === "group") sub.ids.push(item.row.id);
          if (opts.full?.(i, writes++)) {
            const room = new Promise<void>((r) => setTimeout(r, 1 + (i % 5)));
            waiting = room.then(() => (waiting = undefined));
            return { written: items.length, room: waiting };
          }
          return { written: items.length };
        },
      };
      for await (const item of engine.stream(
        [{ kind: "g", key: g, topic: groupTopic(g), cursor: 0n }],
        ac.signal,
        { caughtUp: true, keepalive: false },
        direct,
      )) {
        if (item.kind === "caught_up") {
          caughtUp++;
          live = true;
        }
        if (item.kind === "group") {
          sub.ids.push(item.row.id);
          if (live) sub.viaGenerator++;
        }
        if (sub.ids.length >= want) return;
      }
    }),
  );
  const finished = async () => {
    while (subs.some((s) => s.ids.length < want)) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await done;
  };
  const ready = async () => {
    while (caughtUp < n) await new Promise((r) => setTimeout(r, 5));
  };
  return { subs, finished, ready };
}

describe.each(storeKinds)("direct live delivery on %s", (kind) => {
  const t = storeFixture(kind);
  const send = (g: Uint8Array, text: string) => sendOn(t.store, g, text);

  // A send on this node hands its rows to the parked streams (no read); an event from
  // another node (NOTIFY: no rows) is read once for all of them. Neither wakes a stream.
  it.each([
    { from: "this node", strip: false, reads: 0 },
    { from: "another node", strip: true, reads: 2 },
  ])(
    "writes two messages from $from to 200 parked streams with $reads reads, no stream woken",
    async ({ strip, reads }) => {
      const engine = new StreamEngine(t.store, t.bus, 60_000);
      const g = crypto.getRandomValues(new Uint8Array(16));
      const s = subscribers(engine, g, 200, 2);
      await s.ready();
      const counter = countGroupReads(t.store);
      const restore = strip ? rowsStripped(t.bus) : () => {};
      try {
        const [one] = await send(g, "one");
        while (s.subs.some((sub) => sub.ids.length < 1)) await new Promise((r) => setTimeout(r, 5));
        const [two] = await send(g, "two");
        await s.finished();
        for (const sub of s.subs) expect(sub.ids).toEqual([one!.id, two!.id]);
        expect(s.subs.every((sub) => sub.viaGenerator === 0)).toBe(true);
        expect(counter.reads()).toBe(reads);
      } finally {
        restore();
        counter.restore();
      }
    },
  );

  it("makes a stream that missed an event read, and gets it every row once, in order", async () => {
    const engine = new StreamEngine(t.store, t.bus, 60_000);
    const g = crypto.getRandomValues(new Uint8Array(16));
    const early = subscribers(engine, g, 20, 3);
    await early.ready();
    const [first] = await send(g, "first");
    while (early.subs.some((sub) => sub.ids.length < 1)) await new Promise((r) => setTimeout(r, 5));
    // The early streams never hear of `missed`; the late ones catch up past it.
    const quiet = t.bus.publish.bind(t.bus);
    t.bus.publish = () => {};
    const [missed] = await send(g, "missed").finally(() => (t.bus.publish = quiet));
    const late = subscribers(engine, g, 20, 3);
    await late.ready();
    const counter = countGroupReads(t.store);
    try {
      const [last] = await send(g, "last"); // its prev is `missed`: only the late ones are at it
      await Promise.all([early.finished(), late.finished()]);
      for (const sub of early.subs) expect(sub.ids).toEqual([first!.id, missed!.id, last!.id]);
      for (const sub of late.subs) expect(sub.ids).toEqual([first!.id, missed!.id, last!.id]);
      expect(counter.reads()).toBe(1); // the early ones', shared; none for the late ones
    } finally {
      counter.restore();
    }
  });

  it.each([
    ["all on this node", () => false],
    [
      "some as from another node",
      (e: BusEvent) => dec.decode(e.inserted!.rows[0]!.data).startsWith("w0"),
    ],
  ])(
    "gives every stream every row once, in order, while sends race and responses fill up (%s)",
    async (_, remote) => {
      const engine = new StreamEngine(t.store, t.bus, 60_000);
      const g = crypto.getRandomValues(new Uint8Array(16));
      const sends = 80;
      // A third of the streams' responses are full after every other direct write; all
      // streams take direct writes only after their first row came through the generator.
      const s = subscribers(engine, g, 60, sends, {
        full: (i, k) => i % 3 === 0 && k % 2 === 1,
        readyAfterFirst: true,
      });
      await s.ready();
      const restore = rowsStripped(t.bus, remote);
      const stored: GroupMessageRow[] = [];
      try {
        await Promise.all(
          [0, 1, 2, 3].map(async (w) => {
            for (let i = 0; i < sends / 4; i++) {
              stored.push(...(await send(g, `w${w}-${i}`)));
              // Now and then a pause, so streams park and get direct writes between bursts.
              if (i % 4 === w) await new Promise((r) => setTimeout(r, 10));
            }
          }),
        );
        await s.finished();
      } finally {
        restore();
      }
      const ids = stored.map((r) => r.id).sort((a, b) => (a < b ? -1 : 1));
      for (const sub of s.subs) {
        expect(sub.ids).toEqual(ids);
        expect(sub.overfilled).toBe(0);
      }
      // Both paths were taken: the generators (first rows, after a full response) and direct.
      const viaGen = s.subs.reduce((n, sub) => n + sub.viaGenerator, 0);
      expect(viaGen).toBeGreaterThan(0);
      expect(viaGen).toBeLessThan(s.subs.length * sends);
    },
  );

  it("takes a row that arrives during a pass with one more pass, not through every stream's generator", async () => {
    const engine = new StreamEngine(t.store, t.bus, 60_000);
    const g = crypto.getRandomValues(new Uint8Array(16));
    const s = subscribers(engine, g, 300, 2);
    await s.ready();
    // The pass for the first row (from another node: read) holds after its read until
    // `release`: the second row is committed while that pass runs.
    const restore = rowsStripped(t.bus);
    const real = t.store.queryGroupMessages.bind(t.store);
    let readsDone = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    t.store.queryGroupMessages = async (groupId, page) => {
      const rows = await real(groupId, page);
      readsDone++;
      await gate;
      return rows;
    };
    try {
      const [one] = await send(g, "one");
      while (readsDone === 0) await new Promise((r) => setTimeout(r, 5));
      const [two] = await send(g, "two");
      release();
      await s.finished();
      for (const sub of s.subs) expect(sub.ids).toEqual([one!.id, two!.id]);
      expect(s.subs.every((sub) => sub.viaGenerator === 0)).toBe(true);
    } finally {
      restore();
      t.store.queryGroupMessages = real;
    }
  });
});

// Only where a PostgreSQL server is configured (CI sets TEST_DATABASE_URL).
if (TEST_DATABASE_URL) {
  describe("direct live delivery, two nodes on postgres", () => {
    const t = storeFixture("postgres");

    it("gives streams on one node every row once, in order, while both nodes send", async () => {
      const other = await t.reopen();
      const engine = new StreamEngine(t.store, t.bus, 60_000);
      const g = crypto.getRandomValues(new Uint8Array(16));
      const sends = 60;
      const s = subscribers(engine, g, 40, sends, { readyAfterFirst: true });
      await s.ready();
      const stored: GroupMessageRow[] = [];
      await Promise.all(
        [t.store, other.store, t.store, other.store].map(async (store, w) => {
          for (let i = 0; i < sends / 4; i++) {
            stored.push(...(await sendOn(store, g, `w${w}-${i}`)));
            if (i % 4 === w) await new Promise((r) => setTimeout(r, 10));
          }
        }),
      );
      await s.finished();
      const ids = stored.map((r) => r.id).sort((a, b) => (a < b ? -1 : 1));
      for (const sub of s.subs) expect(sub.ids).toEqual(ids);
    });
  });
}
