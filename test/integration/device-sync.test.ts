// A second device of the same wallet: it joins the inbox's SYNC group, asks for history,
// and the first device answers with an encrypted archive through the attachment store.
// Consent then stays in step between the two.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client, Conversation } from "../../lib/client";
import { createClient, newWallet, type TestWallet } from "../support/accounts";

const texts = async (c: Conversation | undefined) =>
  c
    ? (await c.messages())
        .filter((m) => m.contentType === "xmtp.org/text:1.0")
        .map((m) => m.content)
    : [];

/** Runs `work` while both devices keep syncing (no streams in these tests). */
async function whileSyncing<T>(clients: Client[], work: Promise<T>): Promise<T> {
  let done = false;
  const pump = (async () => {
    while (!done) {
      for (const c of clients) await c.conversations.sync().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    return await work;
  } finally {
    done = true;
    await pump;
  }
}

describe("history and consent between devices of one inbox", () => {
  let node: StartedNode;
  let alice: TestWallet;
  let a1: Client, a2: Client, b: Client, carol: Client;
  let dmId: string;

  beforeAll(async () => {
    node = await startNode();
    alice = newWallet();
    const bob = newWallet();
    a1 = await createClient(alice, node.url, "ds-a1");
    b = await createClient(bob, node.url, "ds-b");
    carol = await createClient(newWallet(), node.url, "ds-carol");
    await a1.deviceSync.ensureGroup();
    const dm = await a1.conversations.newDm(bob.address);
    dmId = dm.id;
    await dm.send("one");
    await dm.send("two");
    await a1.preferences.setConsentStates([
      { entity: { kind: "inbox", inboxId: carol.inboxId }, state: "denied" },
    ]);
  }, 120_000);

  afterAll(async () => {
    for (const x of [a1, a2, b, carol]) await x?.close();
    await node?.stop();
  });

  it("a new device asks for history; the first answers; the new one has the conversations, the messages and the block", async () => {
    a2 = await createClient(alice, node.url, "ds-a2");
    await a2.deviceSync.ensureGroup();
    const states: string[] = [];
    a2.deviceSync.onHistoryStateChange((s) => states.push(s.phase));
    expect(await a2.search("two")).toEqual([]); // its search index, built before the import
    const counts = await whileSyncing(
      [a1, a2],
      a2.deviceSync.requestHistory({ timeoutMs: 30_000 }),
    );
    // The DM's row may already have come with its welcome (the answering device adds this
    // one first); its earlier messages can only have come from the archive.
    expect(counts.messages).toBeGreaterThanOrEqual(2);
    expect(states).toEqual(["requesting", "waiting", "downloading", "importing", "done"]);
    const dm = await a2.conversations.getById(dmId);
    expect(await texts(dm)).toEqual(["one", "two"]);
    // The imported history is searchable: the index is built again after the import.
    expect((await a2.search("two")).map((g) => g.conversationId)).toEqual([dmId]);
    expect(dm!.summary().consent).toBe("allowed");
    expect((await a2.preferences.deniedInboxes()).map((d) => d.inboxId)).toEqual([carol.inboxId]);
    // The SYNC group is not a conversation.
    expect((await a2.conversations.list()).every((c) => c.kind !== "sync")).toBe(true);
  }, 90_000);

  it("the answering device added the new one to the conversation: it sends and reads new messages", async () => {
    const dm = (await a2.conversations.getById(dmId))!;
    await dm.send("three, from the new device");
    await b.conversations.sync();
    expect(await texts(await b.conversations.getById(dmId))).toContain(
      "three, from the new device",
    );
    await (await b.conversations.getById(dmId))!.send("four");
    await a2.conversations.sync();
    expect(await texts(await a2.conversations.getById(dmId))).toEqual([
      "one",
      "two",
      "three, from the new device",
      "four",
    ]);
  }, 60_000);

  it("a block on one device reaches the other through the SYNC group", async () => {
    await a2.preferences.setConsentStates([
      { entity: { kind: "inbox", inboxId: b.inboxId }, state: "denied" },
    ]);
    const deadline = Date.now() + 20_000;
    for (;;) {
      await a1.conversations.sync();
      if (
        (await a1.preferences.getConsentState({ kind: "inbox", inboxId: b.inboxId })) === "denied"
      )
        break;
      if (Date.now() > deadline) throw new Error("the block did not reach the first device");
      await new Promise((r) => setTimeout(r, 150));
    }
    expect((await a1.conversations.getById(dmId))!.summary().consent).toBe("denied");
  }, 60_000);

  it("with no other device online, a history request fails with a reason", async () => {
    const lonely = await createClient(newWallet(), node.url, "ds-lonely");
    await expect(lonely.deviceSync.requestHistory({ timeoutMs: 500 })).rejects.toMatchObject({
      code: "history_failed",
      message: expect.stringMatching(/other devices/),
    });
    expect(lonely.deviceSync.historyState).toMatchObject({ phase: "failed" });
    await lonely.close();
  });
});
