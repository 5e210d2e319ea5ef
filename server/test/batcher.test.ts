// Group commit in the node (store/batcher.ts): concurrent sends share statements, each
// caller still gets exactly its own rows, and one caller's failure stays its own.
import { describe, expect, it } from "vitest";
import { Batcher } from "../store/batcher";
import type { GroupMessageInsert } from "../store";
import { storeKinds, storeFixture } from "./stores";

const enc = new TextEncoder();
const msg = (groupId: Uint8Array, text: string): GroupMessageInsert => ({
  groupId,
  data: enc.encode(text),
  senderHmac: new Uint8Array(),
  shouldPush: false,
});

describe.each(storeKinds)("publishing through the batcher on %s", (kind) => {
  const t = storeFixture(kind);

  it("merges 40 concurrent sends into fewer statements, each caller getting its own rows in its order", async () => {
    const groups = Array.from({ length: 4 }, () => crypto.getRandomValues(new Uint8Array(16)));
    let statements = 0;
    const real = t.store.insertGroupMessages.bind(t.store);
    t.store.insertGroupMessages = (inputs) => {
      statements++;
      return real(inputs);
    };
    try {
      const sends = Array.from({ length: 40 }, (_, i) => [
        msg(groups[i % 4]!, `s${i}-a`),
        msg(groups[i % 4]!, `s${i}-b`),
      ]);
      const results = await Promise.all(sends.map((s) => t.store.publishGroupMessages(s)));
      expect(statements).toBeLessThan(40);
      for (const [i, rows] of results.entries()) {
        expect(rows.map((r) => new TextDecoder().decode(r.data))).toEqual([`s${i}-a`, `s${i}-b`]);
        expect(rows[1]!.id).toBeGreaterThan(rows[0]!.id);
      }
      // Every row stored once, in each group in id order.
      for (const g of groups) {
        const stored = await t.store.queryGroupMessages(g, {
          cursor: 0n,
          limit: 100,
          direction: "asc",
        });
        expect(stored).toHaveLength(20);
      }
    } finally {
      t.store.insertGroupMessages = real;
    }
  });
});

describe("Batcher", () => {
  it("merges no more bytes than maxBytes into one statement, unless one request alone is bigger", async () => {
    const statements: number[][] = [];
    const run = async (items: number[]) => {
      statements.push(items);
      await new Promise((r) => setTimeout(r, 5));
      return items;
    };
    const b = new Batcher(run, { slots: 1, maxItems: 100, maxBytes: 10, bytes: (i) => i });
    const sizes = [[1], [2], [3], [4], [20], [5]];
    const results = await Promise.all(sizes.map((items) => b.submit(items)));
    expect(results).toEqual(sizes); // each caller its own items back
    // [1] ran alone (the slot was free); 2 + 3 + 4 fit in 10 bytes; 20 is alone over it.
    expect(statements).toEqual([[1], [2, 3, 4], [20], [5]]);
  });

  it("never merges two requests that claim the same thing, and lets none overtake", async () => {
    const statements: string[][] = [];
    const run = async (items: string[]) => {
      statements.push(items);
      await new Promise((r) => setTimeout(r, 5));
      return items;
    };
    const b = new Batcher(run, {
      slots: 1,
      maxItems: 100,
      maxBytes: 1000,
      bytes: () => 1,
      claims: (items) => [items[0]!.split("-")[0]!], // the client before the dash
    });
    const sends = ["a-1", "b-1", "c-1", "b-2", "d-1"];
    expect(await Promise.all(sends.map((s) => b.submit([s])))).toEqual(sends.map((s) => [s]));
    // a-1 alone (the slot was free); b-2 ends the next statement, as client b is in it,
    // and d-1, behind it, waits too.
    expect(statements).toEqual([["a-1"], ["b-1", "c-1"], ["b-2", "d-1"]]);
  });

  it("opens a second statement beside a running one only for a queue of extraSlotItems", async () => {
    const statements: number[][] = [];
    let running = 0;
    let most = 0;
    const run = async (items: number[]) => {
      statements.push(items);
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return items;
    };
    const b = new Batcher(run, {
      slots: 2,
      extraSlotItems: 3,
      maxItems: 100,
      maxBytes: 1000,
      bytes: () => 1,
    });
    // Lone sends: [1] runs; [2] and [3] wait for it (fewer than 3 items waiting), then go together.
    await Promise.all([b.submit([1]), b.submit([2]), b.submit([3])]);
    expect(statements).toEqual([[1], [2, 3]]);
    expect(most).toBe(1);
    // A batch of 3 waiting opens the second slot at once.
    statements.length = 0;
    await Promise.all([b.submit([4]), b.submit([5, 6, 7])]);
    expect(statements).toEqual([[4], [5, 6, 7]]);
    expect(most).toBe(2);
  });

  it("starts the next statement once the running one's rows are in, before its callers resume", async () => {
    // One slot: the database would sit idle while the node answers the first statement's
    // callers (their responses, their logs) if the next statement waited for them.
    const order: string[] = [];
    const run = async (items: string[]) => {
      order.push(`run ${items.join("+")}`);
      await new Promise((r) => setTimeout(r, 5));
      return items;
    };
    const b = new Batcher(run, { slots: 1, maxItems: 100, maxBytes: 1000, bytes: () => 1 });
    const first = b.submit(["a"]).then(() => order.push("a answered"));
    const merged = [b.submit(["b"]), b.submit(["c"])].map((p) =>
      p.then(([x]) => order.push(`${x} answered`)),
    );
    await Promise.all([first, ...merged]);
    expect(order).toEqual(["run a", "run b+c", "a answered", "b answered", "c answered"]);
  });

  it("retries a failed merged statement request by request, so only the bad request fails", async () => {
    const run = async (items: number[]) => {
      await new Promise((r) => setTimeout(r, 5));
      if (items.includes(-1)) throw new Error("bad item");
      return items.map((i) => i * 10);
    };
    const b = new Batcher(run, { slots: 1, maxItems: 100, maxBytes: 1000, bytes: () => 1 });
    const first = b.submit([1]); // takes the only slot: the next three wait and merge
    const results = await Promise.allSettled([
      first,
      b.submit([2, 3]),
      b.submit([-1]),
      b.submit([4]),
    ]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : "failed"))).toEqual([
      [10],
      [20, 30],
      "failed",
      [40],
    ]);
  });
});
