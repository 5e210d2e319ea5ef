import { expect, test } from "@playwright/test";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import {
  Client,
  type DecodedMessage,
  type Group,
  type Reaction,
  type RemoteAttachment,
  type Reply,
} from "../lib/client";
import { fromHex, sha256, toHex } from "../lib/crypto";
import { SortDirection } from "../lib/proto/mls/api/v1/mls_pb";
import { WelcomeWrapperAlgorithm } from "../lib/proto/mls/message_contents/wrapper_encryption_pb";
import { clients } from "../server/test/helpers";
import { newWallet } from "../test/support/accounts";
import { seededBytes } from "./xmtp-sdk-page/seeded-bytes";
import {
  closeStory,
  newUser,
  NODE_URL,
  openStory,
  type Story,
  type User,
} from "./xmtp-sdk-harness";

// Issue #15 part 2: our MLS client and XMTP's SDK in one conversation. The SDK user
// (@xmtp/browser-sdk, libxmtp WASM, unmodified) runs in Chromium from the page of
// e2e/xmtp-sdk-page; our user is our library client, headless in this test process (its
// IndexedDB is fake-indexeddb; its MLS, crypto and node calls are the real ones). Both on
// one node process.

let story: Story;
let ours: Client;
/** Everything our client's receive path logged (refusals first of all). */
const ourLog: { event: string; detail: Record<string, unknown> }[] = [];
const sdkUsers: Record<string, User & { address: string }> = {};

async function sdkUser(name: string) {
  const key = generatePrivateKey();
  const user = await newUser(story.browser, name, key);
  return { ...user, address: privateKeyToAccount(key).address.toLowerCase() };
}

const sdkTexts = (u: User, conversationId: string) =>
  u.page.evaluate((id) => window.sdk.texts(id), conversationId);
const sdkSend = (u: User, conversationId: string, text: string) =>
  u.page.evaluate(([id, t]) => window.sdk.send(id!, t!), [conversationId, text]);

const sdkMessages = (u: User, conversationId: string) =>
  u.page.evaluate((id) => window.sdk.messages(id), conversationId);

/** Our user's messages in a conversation, after a sync with the node (undefined: not joined). */
async function ourMessages(conversationId: string): Promise<DecodedMessage[] | undefined> {
  await ours.conversations.sync();
  const conv = await ours.conversations.getById(conversationId);
  return conv ? conv.messages() : undefined;
}

/** Our user's text messages in a conversation, after a sync with the node. */
async function ourTexts(conversationId: string) {
  return (await ourMessages(conversationId))?.flatMap((m) =>
    typeof m.content === "string" ? [{ sender: m.senderInboxId, text: m.content }] : [],
  );
}

/** Just the texts, for polling. */
const sdkSaid = async (u: User, id: string) => (await sdkTexts(u, id)).map((m) => m.text);
const oursSaid = async (id: string) => (await ourTexts(id))?.map((m) => m.text);

const ourGroup = async (id: string) => (await ours.conversations.getById(id)) as Group;
const sdkMembers = (u: User, id: string) =>
  u.page.evaluate((g) => window.sdk.memberInboxIds(g), id);

/** Waits until each SDK user's libxmtp, syncing, lists exactly these members. */
async function expectSdkMembers(users: User[], id: string, expected: string[]) {
  for (const u of users) {
    await expect
      .poll(() => sdkMembers(u, id), { timeout: 30_000, message: u.name })
      .toEqual(expected);
  }
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  story = await openStory("xmtp-interop");
  for (const name of ["sam", "tess", "uma"]) sdkUsers[name] = await sdkUser(name);
  ours = await Client.create(newWallet().signer, {
    apiUrl: NODE_URL,
    dbName: `interop-ours-${Date.now()}`,
    indexedDB,
    IDBKeyRange,
    // What our receive path refused, printed: the first thing to read when a step fails.
    log: (event, detail) => {
      ourLog.push({ event, detail });
      console.log(`[ours] ${event} ${JSON.stringify(detail)}`);
    },
  });
});

test.afterAll(async () => {
  await ours?.close();
  await closeStory(story, Object.values(sdkUsers));
});

let samDmId: string;

test("sdkStartsDmWithOurs: an SDK user opens a DM with our user; both send and read", async () => {
  test.setTimeout(120_000);
  const sam = sdkUsers.sam!;
  const dmId = await sam.page.evaluate((peer) => window.sdk.createDm(peer), ours.inboxId);
  samDmId = dmId;
  await sdkSend(sam, dmId, "hi from XMTP's SDK");

  await expect
    .poll(() => ourTexts(dmId), { timeout: 30_000 })
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
  const tess = sdkUsers.tess!;
  const dm = await ours.conversations.newDm(tess.address);
  await dm.send("hi Tess, from our client");

  await expect
    .poll(() => tess.page.evaluate(() => window.sdk.syncAll()), { timeout: 30_000 })
    .toContain(dm.id);
  expect(await tess.page.evaluate((peer) => window.sdk.dmWith(peer), ours.inboxId)).toBe(dm.id);
  expect(await sdkTexts(tess, dm.id)).toEqual([
    { sender: ours.inboxId, text: "hi Tess, from our client" },
  ]);

  await sdkSend(tess, dm.id, "hi, the SDK read you");
  await expect
    .poll(() => oursSaid(dm.id), { timeout: 30_000 })
    .toEqual(["hi Tess, from our client", "hi, the SDK read you"]);
});

let ourGroupId: string;
let sdkGroupId: string;

test("sdkGroupWithOurs: an SDK user's group holds our user and another SDK user; all three read each other", async () => {
  test.setTimeout(150_000);
  const { sam, tess } = sdkUsers as Record<string, User>;
  const groupId = await sam!.page.evaluate(
    (ids) => window.sdk.createGroup(ids, "made with XMTP's SDK"),
    [ours.inboxId, tess!.inboxId],
  );
  sdkGroupId = groupId;
  await sdkSend(sam!, groupId, "welcome to the SDK's group");

  await expect
    .poll(() => oursSaid(groupId), { timeout: 30_000 })
    .toEqual(["welcome to the SDK's group"]);
  const group = (await ours.conversations.getById(groupId)) as Group;
  expect(group.kind).toBe("group");
  expect((await group.info()).name).toBe("made with XMTP's SDK");
  expect((await group.members()).map((m) => m.inboxId).sort()).toEqual(
    [ours.inboxId, sam!.inboxId, tess!.inboxId].sort(),
  );
  await group.send("our client is in the SDK's group");

  await expect
    .poll(() => tess!.page.evaluate(() => window.sdk.syncAll()), { timeout: 30_000 })
    .toContain(groupId);
  for (const u of [sam!, tess!]) {
    await expect
      .poll(() => sdkSaid(u, groupId), {
        timeout: 30_000,
        message: u.name,
      })
      .toEqual(["welcome to the SDK's group", "our client is in the SDK's group"]);
  }
  await sdkSend(tess!, groupId, "tess here too");
  await expect.poll(() => oursSaid(groupId), { timeout: 30_000 }).toContain("tess here too");
});

test("oursGroupWithSdk: our user's group holds two SDK users; all three read each other", async () => {
  test.setTimeout(150_000);
  const { sam, tess } = sdkUsers as Record<string, User & { address: string }>;
  const group = await ours.conversations.newGroup([sam!.address, tess!.address], {
    name: "made with our client",
  });
  ourGroupId = group.id;
  await group.send("welcome to our client's group");

  for (const u of [sam!, tess!]) {
    await expect
      .poll(() => u.page.evaluate(() => window.sdk.syncAll()), { timeout: 30_000, message: u.name })
      .toContain(group.id);
    expect(await u.page.evaluate((id) => window.sdk.memberInboxIds(id), group.id)).toEqual(
      [ours.inboxId, sam!.inboxId, tess!.inboxId].sort(),
    );
    expect(await sdkSaid(u, group.id)).toEqual(["welcome to our client's group"]);
  }
  await sdkSend(sam!, group.id, "sam answers");
  await sdkSend(tess!, group.id, "tess answers");
  await expect
    .poll(async () => (await oursSaid(group.id))?.sort(), { timeout: 30_000 })
    .toEqual(["sam answers", "tess answers", "welcome to our client's group"]);
});

test("sdkRenamesOurGroup: an SDK member renames our client's group and our client reads the new name", async () => {
  test.setTimeout(120_000);
  const { sam, tess } = sdkUsers as Record<string, User>;
  // The default policy lets any member rename.
  await sam!.page.evaluate(
    ([id, n]) => window.sdk.rename(id!, n!),
    [ourGroupId, "renamed by the SDK"],
  );
  await expect
    .poll(
      async () => {
        await ours.conversations.sync();
        return ((await ours.conversations.getById(ourGroupId)) as Group).info().then((i) => i.name);
      },
      { timeout: 30_000 },
    )
    .toBe("renamed by the SDK");
  await expect
    .poll(() => tess!.page.evaluate((id) => window.sdk.groupName(id), ourGroupId), {
      timeout: 30_000,
    })
    .toBe("renamed by the SDK");
});

test("oursRenamesSdkGroup: our client renames the SDK's group, both SDK members read the new name, and messages still flow", async () => {
  test.setTimeout(120_000);
  const { sam, tess } = sdkUsers as Record<string, User>;
  const group = (await ours.conversations.getById(sdkGroupId)) as Group;
  // libxmtp validates the new extensions against the group's policies: our commit must
  // change the name only (the permissions keep their bytes, fields we do not model included).
  await group.updateName("renamed by our client");
  for (const u of [sam!, tess!]) {
    await expect
      .poll(() => u.page.evaluate((id) => window.sdk.groupName(id), sdkGroupId), {
        timeout: 30_000,
        message: u.name,
      })
      .toBe("renamed by our client");
  }
  await sdkSend(sam!, sdkGroupId, "sam after your rename");
  await group.send("ours after the rename");
  await expect
    .poll(() => oursSaid(sdkGroupId), { timeout: 30_000 })
    .toContain("sam after your rename");
  await expect
    .poll(() => sdkSaid(tess!, sdkGroupId), { timeout: 30_000 })
    .toContain("ours after the rename");
});

test("oursAddsSdkUser: our admin adds a third SDK user to our group; the newcomer and the rest read each other", async () => {
  test.setTimeout(150_000);
  const { sam, tess, uma } = sdkUsers;
  const group = await ourGroup(ourGroupId);
  await group.addMembers([uma!.address]);
  const everyone = [ours.inboxId, sam!.inboxId, tess!.inboxId, uma!.inboxId].sort();

  // Our welcome carries welcome_metadata: libxmtp starts Uma's reading at our add commit
  // (the group's newest message now), not at the group's first message.
  const [addCommit] = (
    await clients(NODE_URL, "grpc-web").mls.queryGroupMessages({
      groupId: fromHex(ourGroupId),
      pagingInfo: { direction: SortDirection.DESCENDING, limit: 1 },
    })
  ).messages;
  expect(addCommit?.version.case === "v1" && addCommit.version.value.isCommit).toBe(true);
  await expect
    .poll(() => uma!.page.evaluate(() => window.sdk.syncWelcomes()), { timeout: 30_000 })
    .toContain(ourGroupId);
  expect(
    (await uma!.page.evaluate((id) => window.sdk.cursors(id), ourGroupId)).map((c) => c.sequenceId),
  ).toContain(String(addCommit!.version.value!.id));
  // libxmtp's key package asks (extension 0xff03) for the post-quantum X-Wing wrapper: our
  // welcome used it, sealed to that key, and libxmtp opened it.
  const welcomes = (
    await clients(NODE_URL, "grpc-web").mls.queryWelcomeMessages({
      installationKey: fromHex(uma!.installationId),
    })
  ).messages.flatMap((m) => (m.version.case === "v1" ? [m.version.value] : []));
  expect(welcomes.map((w) => [w.wrapperAlgorithm, w.hpkePublicKey.length])).toEqual([
    [WelcomeWrapperAlgorithm.XWING_MLKEM_768_DRAFT_6, 1216],
  ]);
  await uma!.page.evaluate(() => window.sdk.syncAll());
  expect(await sdkMembers(uma!, ourGroupId)).toEqual(everyone);
  // The members already in it apply our add commit (libxmtp validates it against the policy
  // and the membership extension) and see the newcomer.
  await expectSdkMembers([sam!, tess!], ourGroupId, everyone);

  await sdkSend(uma!, ourGroupId, "uma is in");
  await expect.poll(() => oursSaid(ourGroupId), { timeout: 30_000 }).toContain("uma is in");
  await expect.poll(() => sdkSaid(sam!, ourGroupId), { timeout: 30_000 }).toContain("uma is in");
  await group.send("welcome, Uma");
  await expect
    .poll(() => sdkSaid(uma!, ourGroupId), { timeout: 30_000 })
    .toEqual(["uma is in", "welcome, Uma"]);
});

test("oursRemovesSdkUser: our admin removes an SDK member; she can no longer read; the rest go on", async () => {
  test.setTimeout(150_000);
  const { sam, tess, uma } = sdkUsers;
  const group = await ourGroup(ourGroupId);
  await group.removeMembers([tess!.inboxId]);
  const rest = [ours.inboxId, sam!.inboxId, uma!.inboxId].sort();
  expect((await group.members()).map((m) => m.inboxId).sort()).toEqual(rest);

  await expect
    .poll(() => tess!.page.evaluate((id) => window.sdk.isActive(id), ourGroupId), {
      timeout: 30_000,
    })
    .toBe(false);
  await expectSdkMembers([sam!, uma!], ourGroupId, rest);

  await group.send("after Tess left");
  await sdkSend(sam!, ourGroupId, "sam goes on");
  for (const u of [sam!, uma!]) {
    await expect
      .poll(() => sdkSaid(u, ourGroupId), {
        timeout: 30_000,
        message: u.name,
      })
      .toEqual(expect.arrayContaining(["after Tess left", "sam goes on"]));
  }
  await expect.poll(() => oursSaid(ourGroupId), { timeout: 30_000 }).toContain("sam goes on");
  // Removed: libxmtp refuses to sync the group at all, and what it holds stops at the removal.
  await expect(sdkTexts(tess!, ourGroupId)).rejects.toThrow("Group is inactive");
  const tessSees = (await tess!.page.evaluate((id) => window.sdk.texts(id, false), ourGroupId)).map(
    (m) => m.text,
  );
  expect(tessSees).toContain("welcome, Uma");
  expect(tessSees).not.toContain("after Tess left");
  expect(tessSees).not.toContain("sam goes on");
});

let sdkLaterGroupId: string;

test("sdkAddsOurs: an SDK admin adds our user to an SDK-only group; all three read each other", async () => {
  test.setTimeout(150_000);
  const { sam, tess } = sdkUsers;
  sdkLaterGroupId = await sam!.page.evaluate(
    (ids) => window.sdk.createGroup(ids, "ours joins later"),
    [tess!.inboxId],
  );
  await sdkSend(sam!, sdkLaterGroupId, "before our user came");
  await sam!.page.evaluate(
    ([id, peer]) => window.sdk.addMembers(id!, [peer!]),
    [sdkLaterGroupId, ours.inboxId],
  );
  const everyone = [ours.inboxId, sam!.inboxId, tess!.inboxId].sort();

  // Our user joins from the welcome at the add's epoch: what was said before is not readable,
  // and not even tried — the welcome's metadata names the add commit, where reading starts.
  await expect.poll(() => ourMessages(sdkLaterGroupId), { timeout: 30_000 }).toBeDefined();
  const group = await ourGroup(sdkLaterGroupId);
  expect((await group.members()).map((m) => m.inboxId).sort()).toEqual(everyone);
  expect((await group.info()).name).toBe("ours joins later");
  await group.send("our user, added by the SDK");

  for (const u of [sam!, tess!]) {
    await expect
      .poll(() => u.page.evaluate(() => window.sdk.syncAll()), { timeout: 30_000, message: u.name })
      .toContain(sdkLaterGroupId);
    await expect
      .poll(() => sdkSaid(u, sdkLaterGroupId), {
        timeout: 30_000,
        message: u.name,
      })
      .toEqual(["before our user came", "our user, added by the SDK"]);
    expect(await sdkMembers(u, sdkLaterGroupId)).toEqual(everyone);
  }
  await sdkSend(tess!, sdkLaterGroupId, "tess reads our user");
  await expect
    .poll(() => oursSaid(sdkLaterGroupId), { timeout: 30_000 })
    .toEqual(["our user, added by the SDK", "tess reads our user"]);
  expect(ourLog.filter((l) => l.detail.groupId === sdkLaterGroupId)).toEqual([]);
});

test("sdkRemovesOurs: the SDK admin removes our user; our client can no longer read or send; the SDK members go on", async () => {
  test.setTimeout(150_000);
  const { sam, tess } = sdkUsers;
  await sam!.page.evaluate(
    ([id, peer]) => window.sdk.removeMembers(id!, [peer!]),
    [sdkLaterGroupId, ours.inboxId],
  );
  await expect
    .poll(
      async () => {
        await ours.conversations.sync();
        return (await ourGroup(sdkLaterGroupId)).isActive();
      },
      { timeout: 30_000 },
    )
    .toBe(false);
  await expect((await ourGroup(sdkLaterGroupId)).send("still here?")).rejects.toThrow();

  await sdkSend(sam!, sdkLaterGroupId, "after our user left");
  await expect
    .poll(() => sdkSaid(tess!, sdkLaterGroupId), {
      timeout: 30_000,
    })
    .toContain("after our user left");
  expect(await sdkMembers(tess!, sdkLaterGroupId)).toEqual([sam!.inboxId, tess!.inboxId].sort());
  expect(await oursSaid(sdkLaterGroupId)).not.toContain("after our user left");
});

test("reactionsAndRepliesBothWays: each side sees the other's reaction on the right message and a reply with the right reference", async () => {
  test.setTimeout(150_000);
  const { sam, uma } = sdkUsers;
  const group = await ourGroup(ourGroupId);

  // Our message, answered by the SDK: both compute the same message id from the same bytes.
  const ourMsg = await group.send("react to this, SDK");
  await expect
    .poll(async () => (await sdkMessages(sam!, ourGroupId)).map((m) => m.id), { timeout: 30_000 })
    .toContain(ourMsg.id);
  await sam!.page.evaluate(
    ([id, ref, refInbox]) => window.sdk.react(id!, ref!, refInbox!, "👍"),
    [ourGroupId, ourMsg.id, ours.inboxId],
  );
  await sam!.page.evaluate(
    ([id, ref, refInbox]) => window.sdk.reply(id!, ref!, refInbox!, "the SDK replies"),
    [ourGroupId, ourMsg.id, ours.inboxId],
  );
  await expect
    .poll(
      async () =>
        (await ourMessages(ourGroupId))!
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
  await sdkSend(sam!, ourGroupId, "react to this, our client");
  let sdkMsgId = "";
  await expect
    .poll(
      async () => {
        const m = (await ourMessages(ourGroupId))!.find(
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
  for (const u of [sam!, uma!]) {
    await expect
      .poll(
        async () => {
          const all = await sdkMessages(u, ourGroupId);
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
  expect((await sdkMessages(uma!, ourGroupId)).find((m) => m.id === ourMsg.id)?.reactions).toEqual([
    { sender: sam!.inboxId, emoji: "👍", action: "added" },
  ]);
});

test("remoteAttachmentsBothWays: each side downloads and decrypts the other's remote attachment from our node's store and gets the same bytes", async () => {
  test.setTimeout(150_000);
  const sam = sdkUsers.sam!;
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
        const m = (await ourMessages(samDmId))!.find(
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
