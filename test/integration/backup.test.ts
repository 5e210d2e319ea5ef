// Backup to a file and restore on a new installation with no other device online: A chats
// with B and blocks Carol, exports, closes; a fresh installation of A's wallet restores the
// file. Real node process, real MLS, real argon2id + AES-GCM, fake-indexeddb per "browser".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { BackupError, type Client, type Conversation } from "../../lib/client";
import { installationsCheckDue } from "../../lib/client/groups/installations";
import { createClient, newWallet, type TestWallet } from "../support/accounts";
import { ctxOf, until } from "../support/client-internals";

const PASS = "granite owl sings 7 times";
const texts = async (c: Conversation | undefined) =>
  c
    ? (await c.messages())
        .filter((m) => m.contentType === "xmtp.org/text:1.0")
        .map((m) => m.content)
    : [];

describe("backup file: restore on a new installation without the first one online", () => {
  let node: StartedNode;
  let alice: TestWallet;
  let a1: Client | undefined, a2: Client, b: Client, carol: Client;
  let dmId: string, groupId: string;
  let file: Blob;

  beforeAll(async () => {
    node = await startNode();
    alice = newWallet();
    const bob = newWallet();
    a1 = await createClient(alice, node.url, "bk-a1");
    b = await createClient(bob, node.url, "bk-b");
    carol = await createClient(newWallet(), node.url, "bk-carol");
    const dm = await a1.conversations.newDm(bob.address);
    dmId = dm.id;
    await dm.send("one");
    await b.conversations.sync();
    await (await b.conversations.getById(dmId))!.send("two, from Bob");
    await a1.conversations.sync();
    const group = await a1.conversations.newGroup([bob.address], { name: "Ropes" });
    groupId = group.id;
    await group.send("group hello");
    await dm.setPinned(true);
    await group.setArchived(true);
    await a1.push.setMuted(groupId, true);
    await a1.preferences.setConsentStates([
      { entity: { kind: "inbox", inboxId: carol.inboxId }, state: "denied" },
    ]);
    ({ file } = await a1.backups.export(PASS));
    // The first device is gone: nobody of Alice's can answer a history request.
    await a1.close();
    a1 = undefined;
    a2 = await createClient(alice, node.url, "bk-a2");
  }, 120_000);

  afterAll(async () => {
    for (const x of [a1, a2, b, carol]) await x?.close();
    await node?.stop();
  });

  it("a wrong passphrase and another inbox's backup are refused and change nothing", async () => {
    await expect(a2.backups.restore(file, "granite owl sings 8 times")).rejects.toMatchObject({
      code: "wrong_passphrase",
    });
    await expect(b.backups.restore(file, PASS)).rejects.toBeInstanceOf(BackupError);
    await expect(b.backups.restore(file, PASS)).rejects.toMatchObject({ code: "wrong_inbox" });
    expect(await a2.conversations.list()).toEqual([]);
    expect((await b.preferences.deniedInboxes()).length).toBe(0);
  }, 60_000);

  it("restores conversations, messages, the block, the pin, the archive and the mute; a second restore adds nothing", async () => {
    const summary = await a2.backups.restore(file, PASS);
    expect(summary).toMatchObject({ conversations: 2, newConversations: 2 });
    expect(summary.newMessages).toBe(summary.messages);
    expect(await texts(await a2.conversations.getById(dmId))).toEqual(["one", "two, from Bob"]);
    expect(await texts(await a2.conversations.getById(groupId))).toEqual(["group hello"]);
    expect((await a2.preferences.deniedInboxes()).map((d) => d.inboxId)).toEqual([carol.inboxId]);
    const dm = (await a2.conversations.getById(dmId))!;
    expect(dm.summary()).toMatchObject({ consent: "allowed", pinned: true });
    expect((await a2.conversations.getById(groupId))!.summary()).toMatchObject({ archived: true });
    expect(await a2.push.isMuted(groupId)).toBe(true);
    expect(await a2.push.isMuted(dmId)).toBe(false);
    // Searchable at once (the index is rebuilt after a restore).
    expect((await a2.search("hello")).map((g) => g.conversationId)).toEqual([groupId]);
    // Not a member yet: readable, not joined.
    expect(await a2.conversations.isJoined(dmId)).toBe(false);

    const again = await a2.backups.restore(file, PASS);
    expect(again).toMatchObject({ newConversations: 0, newMessages: 0 });
    expect(await texts(await a2.conversations.getById(dmId))).toEqual(["one", "two, from Bob"]);
  }, 60_000);

  it("joins when the peer's app next sends: the restored DM then reads and sends on", async () => {
    // A send looks for new devices at most every 5 s (as libxmtp): Bob's last look was at
    // "two, from Bob", which a fast run reaches here in under 5 s.
    await until("Bob's next send looks for new devices", async () =>
      installationsCheckDue(ctxOf(b), dmId),
    );
    await b.conversations.sync();
    await (await b.conversations.getById(dmId))!.send("three, after the restore");
    await a2.conversations.sync();
    expect(await a2.conversations.isJoined(dmId)).toBe(true);
    const dm = (await a2.conversations.getById(dmId))!;
    expect(await texts(dm)).toEqual(["one", "two, from Bob", "three, after the restore"]);
    await dm.send("four, from the restored device");
    await b.conversations.sync();
    expect(await texts(await b.conversations.getById(dmId))).toContain(
      "four, from the restored device",
    );
  }, 60_000);
});
