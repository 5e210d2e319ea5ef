// Reactions, replies, read receipts and files between two wallets through a real node
// (with its attachment store): what B's client stores and shows is what A meant.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Attachment, Client, Conversation, RemoteAttachment } from "../../lib/client";
import { helloDm } from "../support/accounts";

describe("rich content between two wallets", () => {
  let node: StartedNode;
  let a: Client;
  let b: Client;
  let ab: Conversation;
  let ba: Conversation;

  const latest = async (c: Conversation) => (await c.messages()).at(-1)!;

  beforeAll(async () => {
    node = await startNode();
    ({ a, b, ab, ba } = await helloDm(node.url, "rich"));
  }, 120_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await node?.stop();
  });

  it("a reaction and a read receipt arrive, but neither counts as unread nor moves the preview", async () => {
    const hello = (await ab.messages())[0]!;
    await ba.markRead();
    const before = (await b.conversations.getById(ab.id))!.summary();
    await ab.react(hello.id, "👍");
    await ab.sendReadReceipt();
    await b.conversations.sync();
    const after = (await b.conversations.getById(ab.id))!.summary();
    expect(after.unreadCount).toBe(0);
    expect(after.lastMessagePreview).toBe(before.lastMessagePreview);
    const got = await ba.messages();
    const reaction = got.find((m) => m.contentType === "xmtp.org/reaction:2.0")!;
    expect(reaction.content).toEqual({
      reference: hello.id,
      referenceInboxId: a.inboxId,
      action: "added",
      schema: "unicode",
      content: "👍",
    });
    expect(reaction.shouldPush).toBe(false);
    expect(got.some((m) => m.contentType === "xmtp.org/readReceipt:1.0")).toBe(true);
  });

  it("a reply carries its reference and text; it counts as unread and previews as its text", async () => {
    const hello = (await ba.messages())[0]!;
    await ba.reply(hello.id, "hi back");
    await a.conversations.sync();
    const reply = await latest(ab);
    expect(reply.contentType).toBe("xmtp.org/reply:1.0");
    expect(reply.content).toMatchObject({
      reference: hello.id,
      referenceInboxId: a.inboxId,
      contentType: "xmtp.org/text:1.0",
      content: "hi back",
    });
    const summary = (await a.conversations.getById(ab.id))!.summary();
    expect(summary.unreadCount).toBe(1);
    expect(summary.lastMessagePreview).toBe("hi back");
    await expect(ba.reply("00".repeat(32), "to nothing")).rejects.toMatchObject({
      code: "invalid_argument",
    });
  });

  it("a small file goes inline; a large one goes encrypted through the store and decrypts byte for byte", async () => {
    const small: Attachment = {
      filename: "notes.txt",
      mimeType: "text/plain",
      data: new TextEncoder().encode("pack the tent"),
    };
    const big: Attachment = {
      filename: "photo.png",
      mimeType: "image/png",
      data: new Uint8Array(randomBytes(1_500_000)),
    };
    await ab.sendAttachment(small);
    const progress: number[] = [];
    await ab.sendAttachment(big, { onProgress: (sent) => progress.push(sent) });
    expect(progress.at(-1)).toBeGreaterThan(big.data.length); // ciphertext: data + tag
    await b.conversations.sync();
    const [inline, remote] = (await ba.messages()).slice(-2);
    expect(inline!.contentType).toBe("xmtp.org/attachment:1.0");
    expect(inline!.content).toEqual(small);
    expect(remote!.contentType).toBe("xmtp.org/remoteStaticAttachment:1.0");
    const ref = remote!.content as RemoteAttachment;
    expect(ref.url).toMatch(/\/attachments\/[0-9a-f]{64}$/);
    expect(ref.filename).toBe("photo.png");
    const loaded = await b.loadAttachment(ref);
    expect(loaded.mimeType).toBe("image/png");
    expect(Buffer.compare(Buffer.from(loaded.data), Buffer.from(big.data))).toBe(0);
    expect((await b.conversations.getById(ab.id))!.summary().lastMessagePreview).toBe(
      "📎 photo.png",
    );
  });

  it("a remote attachment whose bytes were swapped is refused before decrypting, with a reason", async () => {
    const other: Attachment = {
      filename: "other.bin",
      mimeType: "application/octet-stream",
      data: new Uint8Array(randomBytes(1_200_000)),
    };
    await ab.sendAttachment(other);
    const victim: Attachment = {
      ...other,
      filename: "alien.bin",
      data: new Uint8Array(randomBytes(1_200_000)),
    };
    await ab.sendAttachment(victim);
    await b.conversations.sync();
    const [first, second] = (await ba.messages())
      .slice(-2)
      .map((m) => m.content as RemoteAttachment);
    // Same announced digest, keys and length, but the URL serves another blob.
    await expect(b.loadAttachment({ ...second!, url: first!.url })).rejects.toMatchObject({
      code: "attachment_unavailable",
      message: expect.stringMatching(/digest/i),
    });
    await expect(
      b.loadAttachment({ ...second!, url: second!.url.replace("http://", "ftp://") }),
    ).rejects.toMatchObject({ code: "attachment_unavailable" });
  });

  it("refuses an empty file and one over the 25 MiB limit, naming the sizes", async () => {
    await expect(
      ab.sendAttachment({ filename: "empty", mimeType: "text/plain", data: new Uint8Array() }),
    ).rejects.toMatchObject({ code: "invalid_argument", message: expect.stringMatching(/empty/) });
    await expect(
      ab.sendAttachment({
        filename: "huge.bin",
        mimeType: "application/octet-stream",
        data: new Uint8Array(26 * 1024 * 1024),
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/27262976 bytes.*26214400/) });
  });
});
