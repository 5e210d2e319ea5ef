// A send's bus event carries what it stored on each topic and the topic's id before
// those rows (bus.ts), so this node's parked streams take the rows without reading them
// back (live-fan-out.ts). That is only right if the rows are exactly the topic's ids
// after `prev`: checked here for both statements (one row, many), both envelope kinds,
// and for a send that waited for the topic's lock while another committed a row.
import { describe, expect, it } from "vitest";
import {
  groupTopic,
  welcomeTopic,
  type GroupMessageInsert,
  type WelcomeMessageInsert,
} from "../store";
import type { BusEvent } from "../stream/bus";
import { storeFixture, storeKinds } from "./stores";

const enc = new TextEncoder();
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const msg = (groupId: Uint8Array, text: string): GroupMessageInsert => ({
  groupId,
  data: enc.encode(text),
  senderHmac: new Uint8Array(32),
  shouldPush: false,
});
const welcome = (installationKey: Uint8Array, text: string): WelcomeMessageInsert => ({
  installationKey,
  data: enc.encode(text),
  hpkePublicKey: new Uint8Array(32),
  wrapperAlgorithm: 1,
});

/** The events published on `topics` while `fn` runs, as { topic, id, prev, ids }. */
async function eventsDuring(
  bus: { on: (t: string, f: (e: BusEvent) => void) => () => void },
  topics: string[],
  fn: () => Promise<unknown>,
) {
  const seen: { topic: string; id: bigint; prev?: bigint; ids?: bigint[] }[] = [];
  const offs = topics.map((topic) =>
    bus.on(topic, (e) =>
      seen.push({
        topic: e.topic,
        id: e.id,
        prev: e.inserted?.prev,
        ids: e.inserted?.rows.map((r) => r.id),
      }),
    ),
  );
  try {
    await fn();
  } finally {
    for (const off of offs) off();
  }
  return seen;
}

describe.each(storeKinds)("a send's bus events on %s", (kind) => {
  const t = storeFixture(kind);

  it("carry each topic's new rows and the id before them, for one row and for many", async () => {
    const [g, h] = [random(16), random(16)];
    const [first] = await t.store.insertGroupMessages([msg(g, "first")]);
    let rows: { id: bigint }[] = [];
    const many = await eventsDuring(t.bus, [groupTopic(g), groupTopic(h)], async () => {
      // g twice and the same envelope again (one row), h new: the general statement.
      rows = await t.store.insertGroupMessages([
        msg(g, "a"),
        msg(h, "b"),
        msg(g, "c"),
        msg(g, "a"),
      ]);
    });
    const [a, b, c] = rows;
    expect(many).toEqual([
      { topic: groupTopic(g), id: c!.id, prev: first!.id, ids: [a!.id, c!.id] },
      { topic: groupTopic(h), id: b!.id, prev: 0n, ids: [b!.id] },
    ]);
    const one = await eventsDuring(t.bus, [groupTopic(g)], async () => {
      rows = await t.store.insertGroupMessages([msg(g, "d")]);
    });
    expect(one).toEqual([
      { topic: groupTopic(g), id: rows[0]!.id, prev: c!.id, ids: [rows[0]!.id] },
    ]);
    // A retried envelope stores nothing: no event here (other nodes are still told).
    expect(
      await eventsDuring(t.bus, [groupTopic(g)], () => t.store.insertGroupMessages([msg(g, "d")])),
    ).toEqual([]);
  });

  it("do the same for welcomes", async () => {
    const key = random(32);
    let rows: { id: bigint }[] = [];
    const seen = await eventsDuring(t.bus, [welcomeTopic(key)], async () => {
      rows = await t.store.insertWelcomeMessages([welcome(key, "w1")]);
      rows.push(...(await t.store.insertWelcomeMessages([welcome(key, "w2"), welcome(key, "w3")])));
    });
    const [w1, w2, w3] = rows.map((r) => r.id);
    expect(seen).toEqual([
      { topic: welcomeTopic(key), id: w1, prev: 0n, ids: [w1] },
      { topic: welcomeTopic(key), id: w3, prev: w1, ids: [w2, w3] },
    ]);
  });

  it.each([1, 2])(
    "name as prev a row committed while a send of %i waited for the topic's lock",
    async (n) => {
      // Another writer holds the group's lock and inserts a row; our send starts (on
      // PostgreSQL its statement's snapshot is taken now, without that row), waits for the
      // lock, and gets it when the other commits. Its prev must be the other's row: a
      // stream at the older id would otherwise be handed our row over the one it lacks.
      const g = random(16);
      const [older] = await t.store.insertGroupMessages([msg(g, "older")]);
      let sent: Promise<{ id: bigint }[]> | undefined;
      let seen: Awaited<ReturnType<typeof eventsDuring>> = [];
      const other = await t.store.driver.transaction(async (tx) => {
        await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [groupTopic(g)]);
        const [row] = await tx.query<{ id: unknown }>(
          `INSERT INTO group_messages (group_id, created_ns, data, sender_hmac, should_push, content_hash)
         VALUES ($1, 1, $2, $2, false, $2) RETURNING id`,
          [g, enc.encode("other")],
        );
        const during = eventsDuring(
          t.bus,
          [groupTopic(g)],
          () =>
            (sent = t.store.insertGroupMessages(
              Array.from({ length: n }, (_, i) => msg(g, `ours${i}`)),
            )),
        );
        void during.then((s) => (seen = s));
        await new Promise((r) => setTimeout(r, 300)); // our statement is waiting for the lock
        return BigInt(String(row!.id));
      });
      const ours = (await sent!).map((r) => r.id);
      while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
      expect(other).toBeGreaterThan(older!.id);
      expect(seen).toEqual([{ topic: groupTopic(g), id: ours.at(-1), prev: other, ids: ours }]);
    },
  );
});

describe.skipIf(!storeKinds.includes("postgres"))("wake-ups between nodes on postgres", () => {
  const t = storeFixture("postgres");

  it("reach the other node once per topic, and the sending node only through its own bus", async () => {
    const other = await t.reopen();
    const [g, w] = [random(16), random(32)];
    const topics = [groupTopic(g), welcomeTopic(w)];
    const mine = eventsDuring(t.bus, topics, async () => {
      const theirs = eventsDuring(other.bus, topics, async () => {
        await t.store.publishGroupMessages([msg(g, "a"), msg(g, "b")]);
        await t.store.publishWelcomeMessages([welcome(w, "c")]);
        // The NOTIFYs reach both nodes' listeners: the other node's, and this node's (dropped).
        await new Promise((r) => setTimeout(r, 500));
      });
      const seen = await theirs;
      expect(seen.map((e) => [e.topic, e.ids])).toEqual([
        [groupTopic(g), undefined],
        [welcomeTopic(w), undefined],
      ]);
    });
    const seen = await mine;
    expect(seen.map((e) => [e.topic, e.ids?.length])).toEqual([
      [groupTopic(g), 2],
      [welcomeTopic(w), 1],
    ]);
  });
});
