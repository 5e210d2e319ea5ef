import { expect, test } from "@playwright/test";
import type { Reaction, RemoteAttachment, Reply } from "../lib/client";
import { sha256, toHex } from "../lib/crypto";
import { seededBytes } from "./xmtp-sdk-page/seeded-bytes";
import {
  joinedBySync,
  NODE_URL,
  sdkMessages,
  sdkSaid,
  sdkSend,
  sdkTexts,
} from "./xmtp-sdk-harness";
import { interopStory } from "./xmtp-sdk-interop-harness";

// Issue #15 part 2, DMs and what messages carry: our MLS client and XMTP's SDK open DMs
// with each other, react and reply to each other's messages, and send each other remote
// attachments through our node's store (the setup is in xmtp-sdk-interop-harness.ts).

const s = interopStory("xmtp-interop-content", ["sam", "tess"]);

let samDmId: string;

test("sdkStartsDmWithOurs: an SDK user opens a DM with our user; both send and read", async () => {
  test.setTimeout(120_000);
  const { ours } = s;
  const sam = s.sdk.sam!;
  const dmId = await sam.page.evaluate((peer) => window.sdk.createDm(peer), ours.inboxId);
  samDmId = dmId;
  await sdkSend(sam, dmId, "hi from XMTP's SDK");

  await expect
    .poll(() => s.ourTexts(dmId), { timeout: 30_000 })
    .toEqual([{ sender: sam.inboxId, text: "hi from XMTP's SDK" }]);
  const conv = (await ours.conversations.list()).find((c) => c.id === dmId)!;
  expect(conv.peerInboxId).toBe(sam.inboxId);

  await conv.send("hi SDK, our client here");
  await expect
    .poll(() => sdkSaid(sam, dmId), { timeout: 30_000 })
    .toEqual(["hi from XMTP's SDK", "hi SDK, our client here"]);
  expect((await sdkTexts(sam, dmId))[1]!.sender).toBe(ours.inboxId);
});

test("oursStartsDmWithSdk: our user opens a DM with an SDK user; both send and read", async () => {
  test.setTimeout(120_000);
  const { ours } = s;
  const tess = s.sdk.tess!;
  const dm = await ours.conversations.newDm(tess.address);
  await dm.send("hi Tess, from our client");

  await joinedBySync(tess, dm.id);
  expect(await tess.page.evaluate((peer) => window.sdk.dmWith(peer), ours.inboxId)).toBe(dm.id);
  expect(await sdkTexts(tess, dm.id)).toEqual([
    { sender: ours.inboxId, text: "hi Tess, from our client" },
  ]);

  await sdkSend(tess, dm.id, "hi, the SDK read you");
  await expect
    .poll(() => s.oursSaid(dm.id), { timeout: 30_000 })
    .toEqual(["hi Tess, from our client", "hi, the SDK read you"]);
});

test("reactionsAndRepliesBothWays: each side sees the other's reaction on the right message and a reply with the right reference", async () => {
  test.setTimeout(150_000);
  const { ours } = s;
  const { sam, tess } = s.sdk;
  // Our client's group with both SDK users in it, for the reactions and replies to land in.
  const group = await ours.conversations.newGroup([sam!.address, tess!.address]);
  const groupId = group.id;
  for (const u of [sam!, tess!]) await joinedBySync(u, groupId);

  // Our message, answered by the SDK: both compute the same message id from the same bytes.
  const ourMsg = await group.send("react to this, SDK");
  await expect
    .poll(async () => (await sdkMessages(sam!, groupId)).map((m) => m.id), { timeout: 30_000 })
    .toContain(ourMsg.id);
  await sam!.page.evaluate(
    ([id, ref, refInbox]) => window.sdk.react(id!, ref!, refInbox!, "👍"),
    [groupId, ourMsg.id, ours.inboxId],
  );
  await sam!.page.evaluate(
    ([id, ref, refInbox]) => window.sdk.reply(id!, ref!, refInbox!, "the SDK replies"),
    [groupId, ourMsg.id, ours.inboxId],
  );
  await expect
    .poll(
      async () =>
        (await s.ourMessages(groupId))!
          .filter(
            (m) => m.senderInboxId === sam!.inboxId && m.contentType.startsWith("xmtp.org/re"),
          )
          .map((m) => ({ type: m.contentType, content: m.content })),
      { timeout: 30_000 },
    )
    .toEqual([
      {
        type: "xmtp.org/reaction:2.0",
        content: {
          reference: ourMsg.id,
          referenceInboxId: ours.inboxId,
          action: "added",
          schema: "unicode",
          content: "👍",
        } satisfies Reaction,
      },
      {
        type: "xmtp.org/reply:1.0",
        content: expect.objectContaining({
          reference: ourMsg.id,
          referenceInboxId: ours.inboxId,
          contentType: "xmtp.org/text:1.0",
          content: "the SDK replies",
        } satisfies Reply),
      },
    ]);

  // The SDK's message, answered by our client: the SDK folds our reaction onto it and links
  // our reply to it.
  await sdkSend(sam!, groupId, "react to this, our client");
  let sdkMsgId = "";
  await expect
    .poll(
      async () => {
        const m = (await s.ourMessages(groupId))!.find(
          (x) => x.content === "react to this, our client",
        );
        sdkMsgId = m?.id ?? "";
        return sdkMsgId;
      },
      { timeout: 30_000 },
    )
    .not.toBe("");
  await group.react(sdkMsgId, "🎉");
  await group.reply(sdkMsgId, "our client replies");
  for (const u of [sam!, tess!]) {
    await expect
      .poll(
        async () => {
          const all = await sdkMessages(u, groupId);
          return {
            reactions: all.find((m) => m.id === sdkMsgId)?.reactions,
            reply: all
              .filter((m) => m.replyTo !== undefined && m.sender === ours.inboxId)
              .map((m) => ({ replyTo: m.replyTo, text: m.text, type: m.type })),
          };
        },
        { timeout: 30_000, message: u.name },
      )
      .toEqual({
        reactions: [{ sender: ours.inboxId, emoji: "🎉", action: "added" }],
        reply: [{ replyTo: sdkMsgId, text: "our client replies", type: "xmtp.org/reply:1.0" }],
      });
  }
  // And the SDK's own view of our message carries Sam's reaction.
  expect((await sdkMessages(tess!, groupId)).find((m) => m.id === ourMsg.id)?.reactions).toEqual([
    { sender: sam!.inboxId, emoji: "👍", action: "added" },
  ]);
});

test("remoteAttachmentsBothWays: each side downloads and decrypts the other's remote attachment from our node's store and gets the same bytes", async () => {
  test.setTimeout(150_000);
  const { ours } = s;
  const sam = s.sdk.sam!;
  const dm = (await ours.conversations.getById(samDmId))!;
  const hexOf = (b: Uint8Array) => toHex(sha256(b));

  // Ours → SDK: over 1 MB encoded, so our client encrypts, uploads and sends it by URL.
  const ourFile = seededBytes(1, 1_200_000);
  const sent = await dm.sendAttachment({
    filename: "from-ours.bin",
    mimeType: "application/octet-stream",
    data: ourFile,
  });
  expect(sent.contentType).toBe("xmtp.org/remoteStaticAttachment:1.0");
  await expect
    .poll(async () => (await sdkMessages(sam, samDmId)).find((m) => m.id === sent.id)?.remote, {
      timeout: 30_000,
    })
    .toMatchObject({
      url: expect.stringContaining(`${NODE_URL}/attachments/`),
      filename: "from-ours.bin",
    });
  expect(
    await sam.page.evaluate(
      ([id, m]) => window.sdk.openRemoteAttachment(id!, m!),
      [samDmId, sent.id],
    ),
  ).toEqual({
    sha256: hexOf(ourFile),
    length: ourFile.length,
    filename: "from-ours.bin",
    mimeType: "application/octet-stream",
  });

  // SDK → ours: encrypted by libxmtp, uploaded to the same store, sent by URL.
  await sam.page.evaluate(
    ([id, url]) => window.sdk.sendRemoteAttachment(id!, url!, 2, 300_000, "from-sdk.bin"),
    [samDmId, NODE_URL],
  );
  let remote: RemoteAttachment | undefined;
  await expect
    .poll(
      async () => {
        const m = (await s.ourMessages(samDmId))!.find(
          (x) =>
            x.senderInboxId === sam.inboxId &&
            x.contentType === "xmtp.org/remoteStaticAttachment:1.0",
        );
        remote = m?.content as RemoteAttachment | undefined;
        return remote?.filename;
      },
      { timeout: 30_000 },
    )
    .toBe("from-sdk.bin");
  const file = await ours.loadAttachment(remote!);
  expect(file.filename).toBe("from-sdk.bin");
  expect(file.mimeType).toBe("application/octet-stream");
  expect(hexOf(file.data)).toBe(hexOf(seededBytes(2, 300_000)));
});
