// Subscribe (one stream, many filters) over a real node process: catch-up then
// live, caught_up once, keepalives, no gap and no duplicate under racing sends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubscribeResponse } from "../../lib/proto/messenger/node/v1/node_pb";
import type { GroupMessage } from "../../lib/proto/mls/api/v1/mls_pb";
import { startNode, type StartedNode } from "./harness";
import {
  clients,
  newInstallation,
  privateMessage,
  randomGroupId,
  utf8,
  type Clients,
} from "./helpers";
import { dropSchema, freshSchema, TEST_DATABASE_URL } from "./stores";

let node: StartedNode;
let api: Clients;

beforeAll(async () => {
  node = await startNode({ env: { KEEPALIVE_SECONDS: "1" } });
  api = clients(node.url);
});
afterAll(async () => {
  await node?.stop();
});

function sendTo(c: Clients, groupId: Uint8Array, text: string) {
  return c.mls.sendGroupMessages({
    messages: [{ version: { case: "v1", value: { data: privateMessage(groupId, utf8(text)) } } }],
  });
}

function welcomeTo(c: Clients, key: Uint8Array, text: string) {
  return c.mls.sendWelcomeMessages({
    messages: [
      {
        version: {
          case: "v1",
          value: {
            installationKey: key,
            data: utf8(text),
            hpkePublicKey: new Uint8Array(32),
            wrapperAlgorithm: 1,
          },
        },
      },
    ],
  });
}

async function storedIds(c: Clients, groupId: Uint8Array, after = 0n): Promise<bigint[]> {
  const ids: bigint[] = [];
  let cursor = after;
  for (;;) {
    const res = await c.mls.queryGroupMessages({
      groupId,
      pagingInfo: { idCursor: cursor, limit: 100 },
    });
    ids.push(...res.messages.map((m) => m.version.value!.id));
    if (res.pagingInfo!.idCursor === 0n) return ids;
    cursor = res.pagingInfo!.idCursor;
  }
}

/** Reads events until `done(events)` or the time limit; then closes the stream. */
async function collect(
  stream: (signal: AbortSignal) => AsyncIterable<SubscribeResponse>,
  done: (events: SubscribeResponse["event"][]) => boolean,
  timeoutMs = 20_000,
): Promise<SubscribeResponse["event"][]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error("timeout")), timeoutMs);
  const events: SubscribeResponse["event"][] = [];
  try {
    for await (const res of stream(ac.signal)) {
      events.push(res.event);
      if (done(events)) break;
    }
  } catch (err) {
    if (!ac.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return events;
}

const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("Subscribe", () => {
  it("catches up from each cursor, then goes live, with no gap and no duplicate while sends race", async () => {
    const groupA = randomGroupId();
    const groupB = randomGroupId();
    const key = newInstallation().publicKey;
    for (let i = 0; i < 120; i++) await sendTo(api, groupA, `a-old-${i}`); // more than one catch-up page
    for (let i = 0; i < 5; i++) await sendTo(api, groupB, `b-old-${i}`);
    await welcomeTo(api, key, "w-old");
    const bCursor = (await storedIds(api, groupB))[2]!; // B resumes after its 3rd message

    const LIVE = 40;
    let sent = 0;
    const racing = (async () => {
      for (let i = 0; i < LIVE; i++) {
        await Promise.all([sendTo(api, groupA, `a-live-${i}`), sendTo(api, groupB, `b-live-${i}`)]);
        sent++;
      }
      await welcomeTo(api, key, "w-live");
    })();

    const expectedA = 120 + LIVE;
    const expectedB = 2 + LIVE;
    const events = await collect(
      (signal) =>
        api.node.subscribe(
          {
            filters: [
              { topic: { case: "groupId", value: groupA }, idCursor: 0n },
              { topic: { case: "groupId", value: groupB }, idCursor: bCursor },
              { topic: { case: "installationKey", value: key }, idCursor: 0n },
            ],
          },
          { signal },
        ),
      (evs) => {
        const g = evs.filter((e) => e.case === "groupMessage").length;
        const w = evs.filter((e) => e.case === "welcomeMessage").length;
        return g >= expectedA + expectedB && w >= 2;
      },
    );
    await racing;
    expect(sent).toBe(LIVE);

    const byGroup = new Map<string, bigint[]>();
    for (const e of events) {
      if (e.case !== "groupMessage") continue;
      const v1 = (e.value as GroupMessage).version.value!;
      const k = hexOf(v1.groupId);
      byGroup.set(k, [...(byGroup.get(k) ?? []), v1.id]);
    }
    // Exactly what the node stored after each cursor, in id order: nothing skipped, nothing twice.
    expect(byGroup.get(hexOf(groupA))).toEqual(await storedIds(api, groupA));
    expect(byGroup.get(hexOf(groupB))).toEqual(await storedIds(api, groupB, bCursor));
    expect(byGroup.get(hexOf(groupB))).toHaveLength(expectedB);
    expect(events.filter((e) => e.case === "caughtUp")).toHaveLength(1);
    const welcomes = events
      .filter((e) => e.case === "welcomeMessage")
      .map((e) =>
        new TextDecoder().decode(
          (e.value as { version: { value?: { data: Uint8Array } } }).version.value!.data,
        ),
      );
    expect(welcomes).toEqual(["w-old", "w-live"]);
  });

  it("says caught_up after the backlog and sends keepalives on a quiet stream", async () => {
    const groupId = randomGroupId();
    await sendTo(api, groupId, "one");
    const events = await collect(
      (signal) =>
        api.node.subscribe(
          { filters: [{ topic: { case: "groupId", value: groupId }, idCursor: 0n }] },
          { signal },
        ),
      (evs) => evs.some((e) => e.case === "keepalive"),
      10_000,
    );
    expect(events.map((e) => e.case).slice(0, 3)).toEqual([
      "groupMessage",
      "caughtUp",
      "keepalive",
    ]);
  });

  it("serves SubscribeGroupMessages (XMTP's stream) on the same engine", async () => {
    const groupId = randomGroupId();
    await sendTo(api, groupId, "before");
    const ac = new AbortController();
    const got: string[] = [];
    const stream = api.mls.subscribeGroupMessages(
      { filters: [{ groupId, idCursor: 0n }] },
      { signal: ac.signal },
    );
    const reading = (async () => {
      try {
        for await (const m of stream) {
          got.push(new TextDecoder().decode(m.version.value!.data).slice(-6));
          if (got.length === 2) break;
        }
      } finally {
        ac.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    await sendTo(api, groupId, "after!");
    await reading;
    expect(got).toEqual(["before", "after!"]);
  });

  it("rejects a NodeApi subscription without filters or with a bad filter", async () => {
    const drain = async (it: AsyncIterable<unknown>) => {
      for await (const _ of it) void _;
    };
    await expect(drain(api.node.subscribe({ filters: [] }))).rejects.toThrow(/filters is empty/);
    await expect(drain(api.node.subscribe({ filters: [{ idCursor: 0n }] }))).rejects.toThrow(
      /filters\[0\] has no topic/,
    );
  });

  it("ends open streams cleanly on SIGTERM (graceful shutdown)", async () => {
    const groupId = randomGroupId();
    const stream = api.node.subscribe({
      filters: [{ topic: { case: "groupId", value: groupId }, idCursor: 0n }],
    });
    const cases: string[] = [];
    const reading = (async () => {
      for await (const res of stream) cases.push(res.event.case ?? "none");
    })();
    await new Promise((r) => setTimeout(r, 300));
    const stopped = node.stop();
    await expect(reading).resolves.toBeUndefined(); // the stream ends, it does not error
    await stopped;
    expect(cases[0]).toBe("caughtUp");
    expect(node.logs.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });
});

// Only where a PostgreSQL server is configured (CI sets TEST_DATABASE_URL).
if (TEST_DATABASE_URL)
  describe("several nodes on one PostgreSQL", () => {
    it("fan out to each other: a message sent to node B reaches a stream on node A", async () => {
      const schema = freshSchema();
      const env = { DATABASE_SCHEMA: schema };
      const a = await startNode({ databaseUrl: TEST_DATABASE_URL, env });
      const b = await startNode({ databaseUrl: TEST_DATABASE_URL, env });
      try {
        const groupId = randomGroupId();
        const viaA = clients(a.url);
        const viaB = clients(b.url);
        const ac = new AbortController();
        const got: string[] = [];
        const reading = (async () => {
          try {
            for await (const res of viaA.node.subscribe(
              { filters: [{ topic: { case: "groupId", value: groupId }, idCursor: 0n }] },
              { signal: ac.signal },
            )) {
              if (res.event.case === "caughtUp") {
                for (let i = 0; i < 5; i++) await sendTo(viaB, groupId, `from-b-${i}`);
              }
              if (res.event.case === "groupMessage")
                got.push(new TextDecoder().decode(res.event.value.version.value!.data).slice(-8));
              if (got.length === 5) break;
            }
          } finally {
            ac.abort();
          }
        })();
        const timer = setTimeout(() => ac.abort(), 15_000);
        await reading.catch(() => undefined);
        clearTimeout(timer);
        expect(got).toEqual(["from-b-0", "from-b-1", "from-b-2", "from-b-3", "from-b-4"]);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
        await dropSchema(TEST_DATABASE_URL!, schema);
      }
    });
  });
