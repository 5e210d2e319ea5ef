// Issue 11 item 12: in a DM, receivers accept only the membership changes that follow the
// identity logs. A peer running a modified client tries to drop some, then all, of the
// other inbox's installations; both installations refuse and keep talking.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { Client, type Conversation } from "../../lib/client";
import { toHex } from "../../lib/crypto";
import { groupMembers } from "../../lib/mls";
import { newWallet, type TestWallet } from "../support/accounts";
import { forgeCommit, leavesOf } from "./forge";
import { texts, type Logged } from "../support/groups";

describe("DM membership is the two inboxes' own installations", () => {
  let node: StartedNode;
  const alice: TestWallet = newWallet();
  const a1Log: Logged[] = [];
  let a1: Client, a2: Client, b: Client, c: Client;

  const open = (w: TestWallet, db: string, log?: Logged[]) =>
    Client.create(w.signer, {
      apiUrl: node.url,
      dbName: db,
      indexedDB,
      IDBKeyRange,
      ...(log
        ? { log: (event: string, detail: Record<string, unknown>) => log.push({ event, detail }) }
        : {}),
    });

  beforeAll(async () => {
    node = await startNode();
    a1 = await open(alice, "dm-a1", a1Log);
    a2 = await open(alice, "dm-a2");
    b = await open(newWallet(), "dm-b");
    c = await open(newWallet(), "dm-c");
  }, 120_000);

  afterAll(async () => {
    for (const x of [a1, a2, b, c]) await x?.close();
    await node?.stop();
  });

  async function dmWithAlice(peer: Client) {
    const dm = await peer.conversations.newDm(a1.address);
    await dm.send("hi alice");
    for (const x of [a1, a2]) await x.conversations.sync();
    const [d1, d2] = [await a1.conversations.getById(dm.id), await a2.conversations.getById(dm.id)];
    if (!d1 || !d2) throw new Error("alice's installations did not get the DM");
    expect(await leavesOf(a1, dm.id)).toEqual(
      expect.arrayContaining([a1.installationId, a2.installationId]),
    );
    return { id: dm.id, d1, d2 };
  }

  async function stillTogether(id: string, d1: Conversation, d2: Conversation, text: string) {
    expect(await leavesOf(a1, id)).toEqual(
      expect.arrayContaining([a1.installationId, a2.installationId]),
    );
    await d1.send(text);
    await a2.conversations.sync();
    expect(await texts(d2)).toContain(text);
  }

  it("dmPeerCannotRemoveSomeOfYourInstallations", async () => {
    const { id, d1, d2 } = await dmWithAlice(b);
    await forgeCommit(b, id, async (group) => ({
      remove: groupMembers(group)
        .filter((m) => toHex(m.installationKey) === a2.installationId)
        .map((m) => m.installationKey),
    }));
    for (const x of [a1, a2]) await x.conversations.sync();
    await stillTogether(id, d1, d2, "a2 is still here");
    expect(
      a1Log.some(
        (l) => l.event === "envelope_rejected" && /has not revoked/.test(String(l.detail.error)),
      ),
    ).toBe(true);
  }, 90_000);

  it("dmPeerCannotRemoveTheOtherInbox", async () => {
    const { id, d1, d2 } = await dmWithAlice(c);
    await forgeCommit(c, id, async (group) => ({
      remove: groupMembers(group)
        .filter((m) => m.inboxId === a1.inboxId)
        .map((m) => m.installationKey),
    }));
    for (const x of [a1, a2]) await x.conversations.sync();
    await stillTogether(id, d1, d2, "alice is still in her DM");
  }, 90_000);
});
