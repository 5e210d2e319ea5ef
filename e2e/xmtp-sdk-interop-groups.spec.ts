import { expect, test } from "@playwright/test";
import type { Group } from "../lib/client";
import { fromHex } from "../lib/crypto";
import { SortDirection } from "../lib/proto/mls/api/v1/mls_pb";
import { WelcomeWrapperAlgorithm } from "../lib/proto/mls/message_contents/wrapper_encryption_pb";
import { clients } from "../server/test/helpers";
import {
  expectSdkMembers,
  joinedBySync,
  NODE_URL,
  sdkMembers,
  sdkSaid,
  sdkSend,
  sdkTexts,
} from "./xmtp-sdk-harness";
import { interopStory } from "./xmtp-sdk-interop-harness";

// Issue #15 part 2, groups: our MLS client and XMTP's SDK in one group, made by either
// side; renames, adds and removals by either side, each read by the other (the setup is
// in xmtp-sdk-interop-harness.ts).

const s = interopStory("xmtp-interop-groups", ["sam", "tess", "uma"]);

let ourGroupId: string;
let sdkGroupId: string;

test("sdkGroupWithOurs: an SDK user's group holds our user and another SDK user; all three read each other", async () => {
  test.setTimeout(150_000);
  const { ours } = s;
  const { sam, tess } = s.sdk;
  const groupId = await sam!.page.evaluate(
    (ids) => window.sdk.createGroup(ids, "made with XMTP's SDK"),
    [ours.inboxId, tess!.inboxId],
  );
  sdkGroupId = groupId;
  await sdkSend(sam!, groupId, "welcome to the SDK's group");

  await expect
    .poll(() => s.oursSaid(groupId), { timeout: 30_000 })
    .toEqual(["welcome to the SDK's group"]);
  const group = (await ours.conversations.getById(groupId)) as Group;
  expect(group.kind).toBe("group");
  expect((await group.info()).name).toBe("made with XMTP's SDK");
  expect((await group.members()).map((m) => m.inboxId).sort()).toEqual(
    [ours.inboxId, sam!.inboxId, tess!.inboxId].sort(),
  );
  await group.send("our client is in the SDK's group");

  await joinedBySync(tess!, groupId);
  for (const u of [sam!, tess!]) {
    await expect
      .poll(() => sdkSaid(u, groupId), {
        timeout: 30_000,
        message: u.name,
      })
      .toEqual(["welcome to the SDK's group", "our client is in the SDK's group"]);
  }
  await sdkSend(tess!, groupId, "tess here too");
  await expect.poll(() => s.oursSaid(groupId), { timeout: 30_000 }).toContain("tess here too");
});

test("oursGroupWithSdk: our user's group holds two SDK users; all three read each other", async () => {
  test.setTimeout(150_000);
  const { ours } = s;
  const { sam, tess } = s.sdk;
  const group = await ours.conversations.newGroup([sam!.address, tess!.address], {
    name: "made with our client",
  });
  ourGroupId = group.id;
  await group.send("welcome to our client's group");

  for (const u of [sam!, tess!]) {
    await joinedBySync(u, group.id);
    expect(await sdkMembers(u, group.id)).toEqual(
      [ours.inboxId, sam!.inboxId, tess!.inboxId].sort(),
    );
    expect(await sdkSaid(u, group.id)).toEqual(["welcome to our client's group"]);
  }
  await sdkSend(sam!, group.id, "sam answers");
  await sdkSend(tess!, group.id, "tess answers");
  await expect
    .poll(async () => (await s.oursSaid(group.id))?.sort(), { timeout: 30_000 })
    .toEqual(["sam answers", "tess answers", "welcome to our client's group"]);
});

test("sdkRenamesOurGroup: an SDK member renames our client's group and our client reads the new name", async () => {
  test.setTimeout(120_000);
  const { ours } = s;
  const { sam, tess } = s.sdk;
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
  const { ours } = s;
  const { sam, tess } = s.sdk;
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
    .poll(() => s.oursSaid(sdkGroupId), { timeout: 30_000 })
    .toContain("sam after your rename");
  await expect
    .poll(() => sdkSaid(tess!, sdkGroupId), { timeout: 30_000 })
    .toContain("ours after the rename");
});

test("oursAddsSdkUser: our admin adds a third SDK user to our group; the newcomer and the rest read each other", async () => {
  test.setTimeout(150_000);
  const { ours } = s;
  const { sam, tess, uma } = s.sdk;
  const group = await s.ourGroup(ourGroupId);
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
  await expect.poll(() => s.oursSaid(ourGroupId), { timeout: 30_000 }).toContain("uma is in");
  await expect.poll(() => sdkSaid(sam!, ourGroupId), { timeout: 30_000 }).toContain("uma is in");
  await group.send("welcome, Uma");
  await expect
    .poll(() => sdkSaid(uma!, ourGroupId), { timeout: 30_000 })
    .toEqual(["uma is in", "welcome, Uma"]);
});

test("oursRemovesSdkUser: our admin removes an SDK member; she can no longer read; the rest go on", async () => {
  test.setTimeout(150_000);
  const { ours } = s;
  const { sam, tess, uma } = s.sdk;
  const group = await s.ourGroup(ourGroupId);
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
  await expect.poll(() => s.oursSaid(ourGroupId), { timeout: 30_000 }).toContain("sam goes on");
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
  const { ours } = s;
  const { sam, tess } = s.sdk;
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
  await expect.poll(() => s.ourMessages(sdkLaterGroupId), { timeout: 30_000 }).toBeDefined();
  const group = await s.ourGroup(sdkLaterGroupId);
  expect((await group.members()).map((m) => m.inboxId).sort()).toEqual(everyone);
  expect((await group.info()).name).toBe("ours joins later");
  await group.send("our user, added by the SDK");

  for (const u of [sam!, tess!]) {
    await joinedBySync(u, sdkLaterGroupId);
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
    .poll(() => s.oursSaid(sdkLaterGroupId), { timeout: 30_000 })
    .toEqual(["our user, added by the SDK", "tess reads our user"]);
  expect(s.ourLog.filter((l) => l.detail.groupId === sdkLaterGroupId)).toEqual([]);
});

test("sdkRemovesOurs: the SDK admin removes our user; our client can no longer read or send; the SDK members go on", async () => {
  test.setTimeout(150_000);
  const { ours } = s;
  const { sam, tess } = s.sdk;
  await sam!.page.evaluate(
    ([id, peer]) => window.sdk.removeMembers(id!, [peer!]),
    [sdkLaterGroupId, ours.inboxId],
  );
  await expect
    .poll(
      async () => {
        await ours.conversations.sync();
        return (await s.ourGroup(sdkLaterGroupId)).isActive();
      },
      { timeout: 30_000 },
    )
    .toBe(false);
  await expect((await s.ourGroup(sdkLaterGroupId)).send("still here?")).rejects.toThrow();

  await sdkSend(sam!, sdkLaterGroupId, "after our user left");
  await expect
    .poll(() => sdkSaid(tess!, sdkLaterGroupId), {
      timeout: 30_000,
    })
    .toContain("after our user left");
  expect(await sdkMembers(tess!, sdkLaterGroupId)).toEqual([sam!.inboxId, tess!.inboxId].sort());
  expect(await s.oursSaid(sdkLaterGroupId)).not.toContain("after our user left");
});
