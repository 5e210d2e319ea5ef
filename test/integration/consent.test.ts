// Consent through a real node (PROTOCOL §5): what starting, being invited, replying,
// blocking and merging another device's records do to the inbox, Requests and unread.
import { Dexie, liveQuery } from "dexie";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import {
  ClientError,
  type Client,
  type ConsentRecord,
  type ConsentState,
  type Conversation,
  type ConversationSummary,
} from "../../lib/client";
import { createClient, newWallet, take, type TestWallet } from "../support/accounts";

const nowNs = () => BigInt(Date.now()) * 1_000_000n;
const randomInbox = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");

async function summaryOf(c: Client, id: string): Promise<ConversationSummary | undefined> {
  return (await c.conversations.summaries()).find((s) => s.id === id);
}

async function idsWith(c: Client, consent: ConsentState[]): Promise<string[]> {
  return (await c.conversations.summaries({ consent })).map((s) => s.id);
}

describe("consent", () => {
  let node: StartedNode;
  let alice: TestWallet, bob: TestWallet, carol: TestWallet;
  let a: Client, b: Client, c: Client;
  let dmAB: Conversation; // started by alice
  let dmBA: Conversation; // the same DM as bob sees it

  beforeAll(async () => {
    node = await startNode();
    [alice, bob, carol] = [newWallet(), newWallet(), newWallet()];
    [a, b, c] = await Promise.all([
      createClient(alice, node.url, "consent-alice"),
      createClient(bob, node.url, "consent-bob"),
      createClient(carol, node.url, "consent-carol"),
    ]);
  }, 120_000);

  afterAll(async () => {
    for (const x of [a, b, c]) await x?.close();
    await node?.stop();
  });

  it("starting a DM allows it and the person; the stranger who receives it sees a request", async () => {
    dmAB = await a.conversations.newDm(bob.address);
    expect(dmAB.consent).toBe("allowed");
    expect(await a.preferences.conversationConsent(dmAB.id)).toBe("allowed");
    expect(await a.preferences.getConsentState({ kind: "inbox", inboxId: b.inboxId })).toBe(
      "allowed",
    );
    await dmAB.send("hi bob, it's alice");

    await b.conversations.sync();
    const received = await summaryOf(b, dmAB.id);
    expect(received).toMatchObject({ consent: "unknown", unreadCount: 1 });
    expect(await b.preferences.conversationConsent(dmAB.id)).toBe("unknown");
    expect(await idsWith(b, ["unknown"])).toEqual([dmAB.id]);
    expect(await idsWith(b, ["allowed"])).toEqual([]);
    // A request's unread messages are not in the badge.
    expect(await b.conversations.unreadTotal()).toBe(0);
  });

  it("a read receipt is not a reply; replying allows the DM for the receiver", async () => {
    dmBA = (await b.conversations.getById(dmAB.id))!;
    await dmBA.sendReadReceipt();
    expect(await dmBA.consentState()).toBe("unknown");

    const changes: ConsentRecord[] = [];
    const stop = b.preferences.onConsentChange((r) => changes.push(r));
    await dmBA.send("hello alice");
    stop();
    expect(await dmBA.consentState()).toBe("allowed");
    expect(changes.map((r) => [r.entity, r.state])).toEqual([
      [{ kind: "conversation", id: dmAB.id }, "allowed"],
    ]);
    // Sending again writes nothing new: it was allowed already.
    const more: ConsentRecord[] = [];
    const stop2 = b.preferences.onConsentChange((r) => more.push(r));
    await dmBA.send("still me");
    stop2();
    expect(more).toEqual([]);
    expect(await b.conversations.unreadTotal()).toBe(1);
    expect(await idsWith(b, ["allowed"])).toEqual([dmAB.id]);
  });

  it("being added to a group is a request for the members; the creator has it allowed", async () => {
    // Carol is a stranger to alice, but so would a friend be: groups ask each time.
    const g = await c.conversations.newGroup([alice.address, bob.address], { name: "Picnic" });
    expect(g.consent).toBe("allowed");
    await g.send("bring snacks");
    await a.conversations.sync();
    await b.conversations.sync();
    for (const member of [a, b]) {
      expect(await summaryOf(member, g.id)).toMatchObject({ consent: "unknown", name: "Picnic" });
      expect(await member.preferences.getConsentState({ kind: "conversation", id: g.id })).toBe(
        "unknown",
      );
    }
    expect((await c.conversations.getGroup(g.id))!.summary().consent).toBe("allowed");
    expect(await b.conversations.unreadTotal()).toBe(1); // the DM only, not the group
  });

  it("a denied DM leaves the inbox and shows among the denied; sending there allows it again", async () => {
    await a.preferences.setConsentStates([
      { entity: { kind: "conversation", id: dmAB.id }, state: "denied" },
    ]);
    expect(await idsWith(a, ["allowed"])).not.toContain(dmAB.id);
    expect(await idsWith(a, ["denied"])).toEqual([dmAB.id]);
    expect(await a.preferences.conversationConsent(dmAB.id)).toBe("denied");
    expect((await a.conversations.getById(dmAB.id))!.consent).toBe("denied");
    await a.conversations.sync(); // bob's two messages arrive in a blocked DM
    expect((await summaryOf(a, dmAB.id))!.unreadCount).toBe(2);
    expect(await a.conversations.unreadTotal()).toBe(0);

    await dmAB.send("sorry, wrong button");
    expect(await a.preferences.conversationConsent(dmAB.id)).toBe("allowed");
    expect(await a.conversations.unreadTotal()).toBe(2);
  });

  it("blocking a person denies their DM even though the DM was allowed earlier; allowing the DM later wins", async () => {
    const alicesInbox = { kind: "inbox" as const, inboxId: a.inboxId };
    await b.preferences.setConsentStates([{ entity: alicesInbox, state: "denied" }]);
    expect(await b.preferences.getConsentState({ kind: "conversation", id: dmAB.id })).toBe(
      "allowed",
    );
    expect(await b.preferences.conversationConsent(dmAB.id)).toBe("denied");
    expect(await idsWith(b, ["denied"])).toEqual([dmAB.id]);
    expect((await b.preferences.deniedInboxes()).map((d) => d.inboxId)).toEqual([a.inboxId]);
    expect(await b.conversations.unreadTotal()).toBe(0);

    await dmBA.updateConsentState("allowed");
    expect(await b.preferences.conversationConsent(dmAB.id)).toBe("allowed");
    expect(await b.preferences.getConsentState(alicesInbox)).toBe("denied");
  });

  it("merges another device's records last-writer-wins, in either order, and a tie stays denied", async () => {
    const t = nowNs();
    const cases: [string, ConsentRecord[]][] = [
      ["allowed then a newer denied", []],
      ["a newer denied then allowed", []],
      ["allowed and denied at once", []],
    ];
    const entities = cases.map(() => ({ kind: "inbox" as const, inboxId: randomInbox() }));
    cases[0]![1] = [
      { entity: entities[0]!, state: "allowed", consentedAtNs: t },
      { entity: entities[0]!, state: "denied", consentedAtNs: t + 1n },
    ];
    cases[1]![1] = [
      { entity: entities[1]!, state: "denied", consentedAtNs: t + 1n },
      { entity: entities[1]!, state: "allowed", consentedAtNs: t },
    ];
    cases[2]![1] = [
      { entity: entities[2]!, state: "denied", consentedAtNs: t },
      { entity: entities[2]!, state: "allowed", consentedAtNs: t },
    ];
    for (const [name, [first, second]] of cases) {
      const applied = [
        ...(await a.preferences.applyConsentRecords([first!])),
        ...(await a.preferences.applyConsentRecords([second!])),
      ];
      expect(await a.preferences.getConsentState(first!.entity), name).toBe("denied");
      // Only a record that won is reported: the losing one changed nothing.
      expect(
        applied.map((r) => r.state),
        name,
      ).toEqual(first!.state === "allowed" ? ["allowed", "denied"] : ["denied"]);
    }
    // Allowed-then-denied in one batch in the reverse tie order too.
    const e = { kind: "inbox" as const, inboxId: randomInbox() };
    await a.preferences.applyConsentRecords([
      { entity: e, state: "allowed", consentedAtNs: t },
      { entity: e, state: "denied", consentedAtNs: t },
    ]);
    expect(await a.preferences.getConsentState(e)).toBe("denied");
    // Applying the same records again changes nothing and says so.
    expect(await a.preferences.applyConsentRecords(cases.flatMap(([, r]) => r))).toEqual([]);
  });

  it("a merged block of the peer decides the DM against an older conversation record", async () => {
    const before = await c.conversations.newDm(alice.address);
    expect(await c.preferences.conversationConsent(before.id)).toBe("allowed");
    const block: ConsentRecord = {
      entity: { kind: "inbox", inboxId: a.inboxId },
      state: "denied",
      consentedAtNs: nowNs() + 1_000n,
    };
    const heard: ConsentRecord[] = [];
    const stream = c.preferences.streamConsent();
    const stop = c.preferences.onConsentChange((r) => heard.push(r));
    expect(await c.preferences.applyConsentRecords([block])).toEqual([block]);
    expect(heard).toEqual([block]);
    expect(await take(stream, 1)).toEqual([block]);
    await stream.return?.();
    stop();
    expect(await c.preferences.conversationConsent(before.id)).toBe("denied");
    expect(await idsWith(c, ["denied"])).toContain(before.id);
    // A newer "allowed" for the DM itself wins over its own record, but not over the later block.
    const allowDm: ConsentRecord = {
      entity: { kind: "conversation", id: before.id },
      state: "allowed",
      consentedAtNs: block.consentedAtNs - 10n,
    };
    expect(await c.preferences.applyConsentRecords([allowDm])).toEqual([allowDm]);
    expect(await c.preferences.conversationConsent(before.id)).toBe("denied");
  });

  it("a conversation this inbox started on another device arrives allowed", async () => {
    const phone = await createClient(carol, node.url, "consent-carol-phone");
    try {
      const g = await c.conversations.newGroup([bob.address], { name: "From my laptop" });
      await phone.conversations.sync();
      expect(await summaryOf(phone, g.id)).toMatchObject({ consent: "allowed" });
      // It is only a default: any real record, however old, decides instead.
      const denied: ConsentRecord = {
        entity: { kind: "conversation", id: g.id },
        state: "denied",
        consentedAtNs: 1n,
      };
      expect(await phone.preferences.applyConsentRecords([denied])).toEqual([denied]);
      expect(await phone.preferences.conversationConsent(g.id)).toBe("denied");
    } finally {
      await phone.close();
    }
  });

  it("a live query over summaries() re-runs when consent changes", async () => {
    // liveQuery looks for IndexedDB in Dexie's globals (a browser has them; Node does not).
    Dexie.dependencies.indexedDB = indexedDB;
    Dexie.dependencies.IDBKeyRange = IDBKeyRange;
    const inList: (ConsentState | undefined)[] = [];
    const inThread: (ConsentState | undefined)[] = [];
    const subs = [
      liveQuery(() => b.conversations.summaries()).subscribe({
        next: (list) => inList.push(list.find((s) => s.id === dmAB.id)?.consent),
      }),
      // What the thread view reads.
      liveQuery(async () => (await b.conversations.getById(dmAB.id))?.summary()).subscribe({
        next: (s) => inThread.push(s?.consent),
      }),
    ];
    try {
      await expect.poll(() => [inList.at(-1), inThread.at(-1)]).toEqual(["allowed", "allowed"]);
      await b.preferences.setConsentStates([
        { entity: { kind: "conversation", id: dmAB.id }, state: "denied" },
      ]);
      await expect.poll(() => [inList.at(-1), inThread.at(-1)]).toEqual(["denied", "denied"]);
      // Blocking the person (an inbox record) reaches the DM's live rows too.
      await b.preferences.setConsentStates([
        { entity: { kind: "conversation", id: dmAB.id }, state: "allowed" },
      ]);
      await expect.poll(() => inList.at(-1)).toBe("allowed");
      await b.preferences.setConsentStates([
        { entity: { kind: "inbox", inboxId: a.inboxId }, state: "denied" },
      ]);
      await expect.poll(() => [inList.at(-1), inThread.at(-1)]).toEqual(["denied", "denied"]);
    } finally {
      for (const s of subs) s.unsubscribe();
    }
  });

  it("names bad input", async () => {
    await expect(
      a.preferences.setConsentStates([
        { entity: { kind: "conversation", id: dmAB.id }, state: "blocked" as ConsentState },
      ]),
    ).rejects.toThrow(ClientError);
    await expect(
      a.preferences.getConsentState({ kind: "inbox", inboxId: "not hex" }),
    ).rejects.toThrow(/inbox id must be non-empty hex/);
    await expect(a.conversations.summaries({ consent: ["maybe" as ConsentState] })).rejects.toThrow(
      /consent state must be "unknown", "allowed" or "denied", got "maybe"/,
    );
  });
});
