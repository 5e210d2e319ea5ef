// Issue 11 item 1: ts-mls keeps a few past epochs' keys, so a removed member (or a revoked
// installation) that keeps its pre-removal state can still encrypt to the group. Members
// must drop such messages; an honest member's message sent just before a concurrent
// commit must still arrive.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { Client } from "../../lib/client";
import { ContentTypeText } from "../../lib/content";
import { createClient, newWallet, type TestWallet } from "../support/accounts";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { keepGroupState, leavesOf, postFromState } from "./forge";
import { groupOf, texts, type Logged } from "../support/groups";

describe("application messages from past epochs", () => {
  let node: StartedNode;
  const wallets: TestWallet[] = Array.from({ length: 3 }, () => newWallet());
  const aLog: Logged[] = [];
  let a: Client, b: Client, c: Client;

  beforeAll(async () => {
    node = await startNode();
    a = await Client.create(wallets[0]!.signer, {
      apiUrl: node.url,
      dbName: "pe-a",
      indexedDB,
      IDBKeyRange,
      log: (event, detail) => aLog.push({ event, detail }),
    });
    b = await createClient(wallets[1]!, node.url, "pe-b");
    c = await createClient(wallets[2]!, node.url, "pe-c");
  }, 120_000);

  afterAll(async () => {
    for (const x of [a, b, c]) await x?.close();
    await node?.stop();
  });

  it("removedMemberCannotPostFromPastEpoch", async () => {
    const g = await a.conversations.newGroup([b.inboxId, c.inboxId], { name: "ghost" });
    await groupOf(b, g.id);
    const gc = await groupOf(c, g.id);
    const kept = await keepGroupState(b, g.id); // b never applies what follows
    await g.removeMembers([b.inboxId]);
    const before = a.diagnostics().sender_not_member ?? 0;
    await postFromState(b, kept, ContentTypeText, "still here, as b");
    await g.send("after b left");
    for (const x of [a, c]) await x.conversations.sync();
    for (const x of [g, gc]) {
      expect(await texts(x)).toEqual(["after b left"]);
      expect((await x.messages()).some((m) => m.senderInboxId === b.inboxId)).toBe(false);
    }
    expect(a.diagnostics().sender_not_member).toBe(before + 1);
    expect(c.diagnostics().sender_not_member).toBeGreaterThanOrEqual(1);
    expect(aLog.some((l) => l.detail.code === "sender_not_member")).toBe(true);
  }, 90_000);

  it("revokedInstallationCannotPostFromPastEpoch", async () => {
    const b2 = await createClient(wallets[1]!, node.url, "pe-b2");
    try {
      const g = await a.conversations.newGroup([b.inboxId], { name: "revoked device" });
      await groupOf(b, g.id);
      await groupOf(b2, g.id);
      expect(await leavesOf(a, g.id)).toContain(b2.installationId);
      const kept = await keepGroupState(b2, g.id);
      await b.revokeInstallations(wallets[1]!.signer, [b2.installationId]);
      await a.conversations.sync();
      expect(await leavesOf(a, g.id)).not.toContain(b2.installationId);
      const before = a.diagnostics().sender_not_member ?? 0;
      // Same inbox, a revoked device: not shown, although b is still a member.
      await postFromState(b2, kept, ContentTypeText, "from the stolen laptop");
      await a.conversations.sync();
      expect(await texts(g)).not.toContain("from the stolen laptop");
      expect(a.diagnostics().sender_not_member).toBe(before + 1);
    } finally {
      await b2.close();
    }
  }, 90_000);

  it("honestMessageSentBeforeConcurrentCommitIsAccepted", async () => {
    const g = await a.conversations.newGroup([c.inboxId], { name: "race" });
    const gc = await groupOf(c, g.id);
    const kept = await keepGroupState(c, g.id); // c has not seen a's rename yet
    await g.updateName("renamed");
    await postFromState(c, kept, ContentTypeText, "sent in the old epoch");
    await a.conversations.sync();
    const got = (await g.messages()).filter((m) => m.content === "sent in the old epoch");
    expect(got.map((m) => m.senderInboxId)).toEqual([c.inboxId]);
    expect(await gc.isActive()).toBe(true);
  }, 60_000);

  it("messageSentAfterItsSendersRemovalIsNeverSealedAndShownFailed", async () => {
    const g = await a.conversations.newGroup([b.inboxId, c.inboxId], { name: "race removal" });
    const gb = await groupOf(b, g.id);
    const gc = await groupOf(c, g.id);
    await g.removeMembers([b.inboxId]); // b has not read it when it sends
    // The send reads the commits waiting on the node before sealing: b learns it was removed,
    // and what it typed is kept, marked failed, instead of going out to nobody.
    await expect(gb.send("sent as my removal landed")).rejects.toMatchObject({
      code: "not_a_member",
    });
    expect(await gb.isActive()).toBe(false);
    const mine = (await gb.messages()).find((m) => m.content === "sent as my removal landed");
    expect(mine?.status).toBe("failed"); // never left looking delivered, never lost
    for (const x of [a, c]) await x.conversations.sync();
    for (const x of [g, gc]) expect(await texts(x)).not.toContain("sent as my removal landed");
  }, 60_000);

  it("honestMessageThatLandsFourEpochsLateIsSealedAgainAndArrivesOnce", async () => {
    const g = await a.conversations.newGroup([c.inboxId], { name: "late" });
    const gc = await groupOf(c, g.id);
    for (const name of ["one", "two", "three", "four"]) await g.updateName(name);
    // c has read none of them: its message is sealed four epochs back and every member drops it.
    const sent = await gc.send("sealed four epochs back");
    const deadline = Date.now() + 20_000;
    let got: unknown[] = [];
    while (Date.now() < deadline) {
      await c.conversations.sync(); // c reads the renames, then its message: too old, sealed again
      await a.conversations.sync();
      got = (await texts(g)).filter((t) => t === "sealed four epochs back");
      if (got.length > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(got).toHaveLength(1);
    expect((await gc.messages()).find((m) => m.id === sent.id)?.status).toBe("published");
  }, 60_000);

  it("messageMoreThanThreeEpochsBehindIsDropped", async () => {
    const g = await a.conversations.newGroup([c.inboxId], { name: "old" });
    await groupOf(c, g.id);
    const kept = await keepGroupState(c, g.id);
    for (const name of ["one", "two", "three", "four"]) await g.updateName(name);
    const before = a.diagnostics().epoch_too_old ?? 0;
    await postFromState(c, kept, ContentTypeText, "four epochs late");
    await a.conversations.sync();
    expect(await texts(g)).toEqual([]);
    expect(a.diagnostics().epoch_too_old).toBe(before + 1);
  }, 60_000);
});
