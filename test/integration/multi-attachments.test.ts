// Several files in one message (xmtp.org/multiRemoteStaticAttachment:1.0) between two wallets
// through a real node and its real attachment store (files on disk): B downloads and
// decrypts each file, a file tampered with in the store is refused, the others still open.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Attachment, Client, Conversation, MultiRemoteAttachment } from "../../lib/client";
import { helloDm } from "../support/accounts";

const file = (filename: string, mimeType: string, bytes: number): Attachment => ({
  filename,
  mimeType,
  data: new Uint8Array(randomBytes(bytes)),
});

describe("several files in one message", () => {
  let node: StartedNode;
  let a: Client;
  let b: Client;
  let ab: Conversation;
  let ba: Conversation;
  const storeDir = () => path.join(node.dataDir, "attachments");
  const stored = () => fs.readdirSync(storeDir()).filter((n) => /^[0-9a-f]{64}$/.test(n));

  // A small text (would go inline alone), a picture, and a larger binary.
  const files = [
    file("notes.txt", "text/plain", 40),
    file("cat.png", "image/png", 300_000),
    file("data.bin", "application/octet-stream", 1_300_000),
  ];

  beforeAll(async () => {
    node = await startNode();
    ({ a, b, ab, ba } = await helloDm(node.url, "multi"));
  }, 120_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await node?.stop();
  });

  it("three files go as ONE message; B downloads each, digests match, bytes match", async () => {
    const progress: number[] = [];
    const sent = await ab.sendAttachments(files, {
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(sent.contentType).toBe("xmtp.org/multiRemoteStaticAttachment:1.0");
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((x, y) => x - y)); // never goes back

    await b.conversations.sync();
    const got = (await ba.messages()).at(-1)!;
    expect(got.id).toBe(sent.id);
    expect(got.contentType).toBe("xmtp.org/multiRemoteStaticAttachment:1.0");
    expect(got.shouldPush).toBe(true);
    const multi = got.content as MultiRemoteAttachment;
    expect(multi.attachments.map((r) => r.filename)).toEqual(["notes.txt", "cat.png", "data.bin"]);
    // Every file has its own key, and the store holds exactly its ciphertext under its digest.
    expect(new Set(multi.attachments.map((r) => Buffer.from(r.secret).toString("hex"))).size).toBe(
      3,
    );
    for (const [i, remote] of multi.attachments.entries()) {
      const blob = fs.readFileSync(path.join(storeDir(), remote.contentDigest));
      expect(createHash("sha256").update(blob).digest("hex")).toBe(remote.contentDigest);
      expect(blob.length).toBe(remote.contentLength);
      const opened = await b.loadAttachment(remote);
      expect(opened.filename).toBe(files[i]!.filename);
      expect(opened.mimeType).toBe(files[i]!.mimeType);
      expect(Buffer.compare(Buffer.from(opened.data), Buffer.from(files[i]!.data))).toBe(0);
    }
    expect((await b.conversations.getById(ab.id))!.summary().lastMessagePreview).toBe(
      "📎 3 files: notes.txt, cat.png, data.bin",
    );
  });

  it("a file tampered with in the store is refused before decrypting; the others still open", async () => {
    const multi = (await ba.messages()).at(-1)!.content as MultiRemoteAttachment;
    const victim = multi.attachments[1]!;
    const where = path.join(storeDir(), victim.contentDigest);
    const blob = fs.readFileSync(where);
    blob[blob.length >> 1]! ^= 0x01;
    fs.writeFileSync(where, blob);

    await expect(b.loadAttachment(victim)).rejects.toMatchObject({
      code: "attachment_unavailable",
      message: expect.stringMatching(/SHA-256 .* contentDigest says/),
    });
    const others = [multi.attachments[0]!, multi.attachments[2]!];
    for (const r of others) expect((await b.loadAttachment(r)).data.length).toBeGreaterThan(0);
  });

  it("B replies to and reacts on the several-files message; A sees both on it", async () => {
    const target = (await ba.messages()).at(-1)!;
    await ba.react(target.id, "🔥");
    await ba.reply(target.id, "got all three");
    await a.conversations.sync();
    const mine = await ab.messages();
    const reaction = mine.find((m) => m.contentType === "xmtp.org/reaction:2.0")!;
    expect(reaction.content).toMatchObject({ reference: target.id, content: "🔥" });
    const reply = mine.at(-1)!;
    expect(reply.content).toMatchObject({ reference: target.id, content: "got all three" });
  });

  it("a file over the limit is refused by name before anything is uploaded", async () => {
    const before = stored().length;
    const huge = {
      filename: "huge.mov",
      mimeType: "video/quicktime",
      data: new Uint8Array(26 * 1024 * 1024),
    };
    await expect(ab.sendAttachments([files[0]!, huge])).rejects.toMatchObject({
      code: "invalid_argument",
      message: expect.stringMatching(/^huge\.mov is 27262976 bytes; the most .* is 26214400$/),
    });
    const empty = { filename: "blank.txt", mimeType: "text/plain", data: new Uint8Array() };
    await expect(ab.sendAttachments([empty, files[1]!])).rejects.toMatchObject({
      message: expect.stringMatching(/blank\.txt is empty/),
    });
    await expect(ab.sendAttachments(Array(11).fill(files[0]!))).rejects.toMatchObject({
      message: expect.stringMatching(/11 files picked; one message carries at most 10/),
    });
    expect(stored().length).toBe(before);
  });

  it("one file alone keeps the single-file types every XMTP app reads", async () => {
    const m = await ab.sendAttachments([files[0]!]);
    expect(m.contentType).toBe("xmtp.org/attachment:1.0");
  });
});
