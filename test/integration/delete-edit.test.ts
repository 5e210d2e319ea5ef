// Delete for everyone and edit (issue 17 item 1) and the markdown composer choice (item 7)
// between real clients through a real node: every receiver checks who may delete or edit,
// and a delete or edit from anyone else is dropped with a diagnostic and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client, Conversation, DecodedMessage, Group } from "../../lib/client";
import { ContentTypeDeleteMessage, ContentTypeEditMessage } from "../../lib/content";
import type { ClientContext } from "../../lib/client/context";
import { getMessage } from "../../lib/storage";
import { createClient, newWallet } from "../support/accounts";
import { groupOf } from "../support/groups";

const clientContext = (x: Client) => (x as unknown as { ctx: ClientContext }).ctx;
const byId = async (c: Conversation, id: string) => (await c.messages()).find((m) => m.id === id);
const editsOf = (all: DecodedMessage[], id: string) =>
  all.filter(
    (m) =>
      m.contentType === "xmtp.org/editMessage:1.0" &&
      (m.content as { messageId: string }).messageId === id,
  );

describe("delete for everyone and edit", () => {
  let node: StartedNode;
  let a: Client;
  let b: Client;
  let c: Client;
  let ab: Conversation;
  let ba: Conversation;

  beforeAll(async () => {
    node = await startNode();
    const bob = newWallet();
    a = await createClient(newWallet(), node.url, "del-a");
    b = await createClient(bob, node.url, "del-b");
    c = await createClient(newWallet(), node.url, "del-c");
    ab = await a.conversations.newDm(bob.address);
    await ab.send("hello");
    await b.conversations.sync();
    ba = (await b.conversations.getById(ab.id))!;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), c?.close()]);
    await node?.stop();
  });

  it("the sender edits: the peer stores the edit, in place, with the earlier text kept as history", async () => {
    const m = await ab.sendText("meet at 5");
    await ab.editMessage(m.id, "meet at 6");
    await ab.editMessage(m.id, "meet at **7**");
    await b.conversations.sync();
    const all = await ba.messages();
    expect(all.find((x) => x.id === m.id)?.content).toBe("meet at 5"); // the original stays
    const edits = editsOf(all, m.id);
    expect(edits.map((e) => e.content)).toEqual([
      { messageId: m.id, contentType: "xmtp.org/text:1.0", content: "meet at 6" },
      { messageId: m.id, contentType: "xmtp.org/markdown:1.0", content: "meet at **7**" },
    ]);
    expect(edits[0]!.fallback).toBe("Edited a message to: meet at 6");
    expect((await ba.editHistory(m.id)).map((v) => v.content)).toEqual([
      "meet at 5",
      "meet at 6",
      "meet at **7**",
    ]);
    // The list's preview follows the edit of the latest message, at both ends.
    for (const x of [a, b])
      expect((await x.conversations.getById(ab.id))!.summary().lastMessagePreview).toBe(
        "meet at **7**",
      );
    expect(edits.every((e) => !e.shouldPush)).toBe(true);
  });

  it("an edit by someone else, or of a non-text message, is refused by the sender's library", async () => {
    const m = await ab.sendText("mine");
    await b.conversations.sync();
    await expect(ba.editMessage(m.id, "yours now")).rejects.toMatchObject({
      code: "not_allowed",
      message: expect.stringContaining("only the sender may edit"),
    });
    await expect(ab.editMessage(m.id, "  ")).rejects.toMatchObject({ code: "invalid_argument" });
    await expect(ab.editMessage("00".repeat(32), "x")).rejects.toMatchObject({
      code: "invalid_argument",
      message: expect.stringContaining("is not in this conversation"),
    });
  });

  it("a forged edit of the peer's message (sent raw, past the library) is dropped by the receiver", async () => {
    const m = await ab.sendText("the real words");
    await b.conversations.sync();
    const before = a.diagnostics().edit_not_allowed ?? 0;
    const forged = await ba.send(
      { messageId: m.id, contentType: "xmtp.org/text:1.0", content: "forged words" },
      ContentTypeEditMessage,
    );
    await a.conversations.sync();
    expect(a.diagnostics().edit_not_allowed).toBe(before + 1);
    const all = await ab.messages();
    expect(all.some((x) => x.id === forged.id)).toBe(false); // never stored
    expect(editsOf(all, m.id)).toEqual([]);
    expect(all.find((x) => x.id === m.id)?.content).toBe("the real words");
  });

  it("the sender deletes: content erased at both ends, edits and reactions gone, replies keep their place", async () => {
    const m = await ab.sendText("secret plan");
    await ab.editMessage(m.id, "secret plan v2");
    await b.conversations.sync();
    await ba.react(m.id, "👍");
    const reply = await ba.reply(m.id, "sounds good");
    await a.conversations.sync();
    await ab.deleteMessage(m.id);
    await b.conversations.sync();
    for (const conv of [ab, ba]) {
      const all = await conv.messages();
      const gone = all.find((x) => x.id === m.id)!;
      expect(gone.deleted).toMatchObject({ byAdmin: false });
      expect(gone.content).toBeUndefined();
      expect(editsOf(all, m.id)).toEqual([]);
      expect(
        all.filter(
          (x) =>
            x.contentType === "xmtp.org/reaction:2.0" &&
            (x.content as { reference: string }).reference === m.id,
        ),
      ).toEqual([]);
      expect(all.find((x) => x.id === reply.id)?.content).toMatchObject({ reference: m.id });
    }
    // Erased on disk, not hidden: the stored row holds no content any more.
    for (const x of [a, b])
      expect((await getMessage(clientContext(x).db, m.id))!.encodedContent.length).toBe(0);
    expect(await ba.editHistory(m.id)).toEqual([]);
    // Editing a deleted message does nothing; deleting it again is refused.
    await expect(ab.editMessage(m.id, "back")).rejects.toMatchObject({
      message: expect.stringContaining("was deleted"),
    });
    await expect(ab.deleteMessage(m.id)).rejects.toMatchObject({
      message: expect.stringContaining("already deleted"),
    });
    expect((await b.conversations.getById(ab.id))!.summary().lastMessagePreview).not.toContain(
      "secret",
    );
  });

  it("a delete of the peer's message is refused by the library, and a forged one is dropped by the receiver", async () => {
    const m = await ab.sendText("keep me");
    await b.conversations.sync();
    await expect(ba.deleteMessage(m.id)).rejects.toMatchObject({
      code: "not_allowed",
      message: expect.stringContaining("only the sender or a super admin"),
    });
    const before = a.diagnostics().delete_not_allowed ?? 0;
    await ba.send({ messageId: m.id }, ContentTypeDeleteMessage);
    await a.conversations.sync();
    expect(a.diagnostics().delete_not_allowed).toBe(before + 1);
    const kept = await byId(ab, m.id);
    expect(kept?.deleted).toBeUndefined();
    expect(kept?.content).toBe("keep me");
    // A late edit of a forged-deleted message still works: nothing changed.
    await ab.editMessage(m.id, "keep me, edited");
  });

  it("markdown is sent as xmtp.org/markdown and ordinary text as text", async () => {
    const md = await ab.sendText("this is **bold**");
    const plain = await ab.sendText("2*3*4 = 24, mail me at john_doe@example.com");
    await b.conversations.sync();
    expect(await byId(ba, md.id)).toMatchObject({
      contentType: "xmtp.org/markdown:1.0",
      content: "this is **bold**",
    });
    expect((await byId(ba, plain.id))?.contentType).toBe("xmtp.org/text:1.0");
  });

  describe("in a group", () => {
    let ga: Group;
    let gb: Group;
    let gc: Group;

    beforeAll(async () => {
      ga = await a.conversations.newGroup([b.inboxId, c.inboxId], { name: "deletes" });
      gb = await groupOf(b, ga.id);
      gc = await groupOf(c, ga.id);
      await ga.addAdmin(b.inboxId); // an admin, not a super admin
      for (const x of [b, c]) await x.conversations.sync();
    }, 60_000);

    it("the super admin deletes a member's message; every member erases it", async () => {
      const m = await gc.sendText("off topic");
      await a.conversations.sync();
      await ga.deleteMessage(m.id);
      for (const x of [b, c]) await x.conversations.sync();
      for (const g of [ga, gb, gc]) {
        const gone = await byId(g, m.id);
        expect(gone?.deleted).toMatchObject({ byAdmin: true });
        expect(gone?.content).toBeUndefined();
      }
    });

    it("an admin who is not super admin cannot delete another member's message: refused and dropped", async () => {
      const m = await gc.sendText("c's words");
      await b.conversations.sync();
      await expect(gb.deleteMessage(m.id)).rejects.toMatchObject({ code: "not_allowed" });
      const beforeA = a.diagnostics().delete_not_allowed ?? 0;
      const beforeC = c.diagnostics().delete_not_allowed ?? 0;
      await gb.send({ messageId: m.id }, ContentTypeDeleteMessage);
      for (const x of [a, c]) await x.conversations.sync();
      expect(a.diagnostics().delete_not_allowed).toBe(beforeA + 1);
      expect(c.diagnostics().delete_not_allowed).toBe(beforeC + 1);
      for (const g of [ga, gc]) expect((await byId(g, m.id))?.content).toBe("c's words");
    });

    it("the super admin cannot edit a member's message: only the sender edits", async () => {
      const m = await gc.sendText("c wrote this");
      await a.conversations.sync();
      await expect(ga.editMessage(m.id, "a rewrote it")).rejects.toMatchObject({
        code: "not_allowed",
      });
    });
  });
});
