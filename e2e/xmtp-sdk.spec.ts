import { expect, test } from "@playwright/test";
import { fromHex } from "../lib/crypto";
import { clients } from "../server/test/helpers";
import {
  closeStory,
  joinedBySync,
  newUser,
  NODE_URL,
  openStory,
  sdkSaid,
  sdkSend,
  sdkTexts,
  type Story,
  type User,
} from "./xmtp-sdk-harness";

// Issue #15 part 1: XMTP's own SDK (@xmtp/browser-sdk, libxmtp WASM, unmodified) on our
// node. A page bundled from e2e/xmtp-sdk-page runs on its own origin; each user is one
// browser context with a local EOA key and apiUrl = a dedicated node process (so the
// test can restart it on the same data and port). No proxy between them.

let story: Story;
const users: Record<string, User> = {};

const streamRestarts = async (u: User) =>
  (await u.page.evaluate(() => window.sdk.streamed())).events.filter((e) => e.endsWith("restart"))
    .length;
const streamedTexts = async (u: User, conversationId: string) =>
  (await u.page.evaluate(() => window.sdk.streamed())).messages
    .filter((m) => m.conversationId === conversationId)
    .map((m) => m.text);

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  story = await openStory("xmtp-sdk");
  for (const name of ["alice", "bob", "carol", "dave"])
    users[name] = await newUser(story.browser, name);
  for (const u of Object.values(users)) await u.page.evaluate(() => window.sdk.startStream());
});

test.afterAll(() => closeStory(story, Object.values(users)));

let dmId: string;
let groupId: string;

test("sdkDmBothWays: two SDK clients on our node exchange a DM, by sync and by stream", async () => {
  test.setTimeout(120_000);
  const { alice, bob } = users as Record<string, User>;
  dmId = await alice!.page.evaluate((peer) => window.sdk.createDm(peer), bob!.inboxId);
  await sdkSend(alice!, dmId, "hi Bob, from XMTP's SDK");

  // Bob: the welcome and the message arrive by stream (his stream had no group at first)...
  await expect
    .poll(() => streamedTexts(bob!, dmId), { timeout: 45_000 })
    .toContain("hi Bob, from XMTP's SDK");
  // ...and by sync.
  await joinedBySync(bob!, dmId);
  expect(await bob!.page.evaluate((peer) => window.sdk.dmWith(peer), alice!.inboxId)).toBe(dmId);
  expect(await sdkSaid(bob!, dmId)).toContain("hi Bob, from XMTP's SDK");

  await sdkSend(bob!, dmId, "hi Alice, received");
  await expect
    .poll(() => streamedTexts(alice!, dmId), { timeout: 45_000 })
    .toContain("hi Alice, received");
  const seen = await sdkTexts(alice!, dmId);
  expect(seen).toEqual([
    { sender: alice!.inboxId, text: "hi Bob, from XMTP's SDK" },
    { sender: bob!.inboxId, text: "hi Alice, received" },
  ]);
});

test("sdkGroupWithWelcomePointers: a group of four, welcomed through pointers, talks both ways", async () => {
  test.setTimeout(150_000);
  const { alice, bob, carol, dave } = users as Record<string, User>;
  const others = [bob!, carol!, dave!];
  groupId = await alice!.page.evaluate(
    (ids) => window.sdk.createGroup(ids, "four on our node"),
    others.map((u) => u.inboxId),
  );
  await sdkSend(alice!, groupId, "welcome, all three");

  // More than two installations welcomed in one commit: libxmtp sent welcome pointers,
  // which the node stored as such (oneof 2), next to one symmetric-key pointee.
  const api = clients(NODE_URL, "grpc-web");
  for (const u of others) {
    const res = await api.mls.queryWelcomeMessages({
      installationKey: fromHex(u.installationId),
    });
    expect(
      res.messages.map((m) => m.version.case),
      u.name,
    ).toContain("welcomePointer");
  }

  for (const u of others) {
    await expect
      .poll(() => streamedTexts(u, groupId), { timeout: 45_000, message: u.name })
      .toContain("welcome, all three");
  }
  for (const u of Object.values(users)) {
    const { errors } = await u.page.evaluate(() => window.sdk.streamed());
    expect(errors, `${u.name}'s stream errors`).toEqual([]);
  }
  await joinedBySync(carol!, groupId);
  expect(await carol!.page.evaluate((id) => window.sdk.memberInboxIds(id), groupId)).toEqual(
    [alice!, ...others].map((u) => u.inboxId).sort(),
  );

  await sdkSend(carol!, groupId, "carol here");
  await sdkSend(dave!, groupId, "dave here");
  for (const u of [alice!, bob!]) {
    await expect
      .poll(async () => (await sdkSaid(u, groupId)).sort(), { timeout: 30_000 })
      .toEqual(["carol here", "dave here", "welcome, all three"]);
  }
});

test("sdkSurvivesNodeRestart: after a node restart, history stays, sync works at once and streams come back by themselves", async () => {
  test.setTimeout(240_000);
  const { alice, bob, carol, dave } = users as Record<string, User>;
  const restartsBefore = await Promise.all([alice!, bob!].map(streamRestarts));
  const stopping = Date.now();
  await story.node.stop(); // SIGTERM; dataDir is the story's, so the database stays
  const stopMs = Date.now() - stopping;
  story.node = await story.startNode();
  console.log(`node stopped in ${stopMs} ms, back after ${Date.now() - stopping} ms`);

  expect(await sdkSaid(bob!, dmId)).toEqual(["hi Bob, from XMTP's SDK", "hi Alice, received"]);
  // Sent while the SDK streams are still down: these arrive by sync (libxmtp's restarted
  // stream starts after what its sync already holds, so it does not replay them).
  await sdkSend(alice!, dmId, "still here after the restart?");
  await sdkSend(bob!, dmId, "yes, same node, same data");
  await sdkSend(dave!, groupId, "group after the restart");
  await expect
    .poll(() => sdkSaid(alice!, dmId), { timeout: 30_000 })
    .toContain("yes, same node, same data");
  for (const u of [alice!, bob!, carol!]) {
    await expect
      .poll(() => sdkSaid(u, groupId), { timeout: 30_000 })
      .toContain("group after the restart");
  }

  // The SDK retries a failed stream every 10 s: each one comes back on the restarted node
  // by itself, and what is sent after that arrives by stream again, both ways.
  for (const [i, u] of [alice!, bob!].entries()) {
    await expect
      .poll(() => streamRestarts(u), { timeout: 90_000, message: `${u.name}'s stream restarted` })
      .toBeGreaterThan(restartsBefore[i]!);
  }
  await sdkSend(alice!, dmId, "streaming again?");
  await sdkSend(bob!, dmId, "streaming again!");
  await expect
    .poll(() => streamedTexts(bob!, dmId), { timeout: 30_000 })
    .toContain("streaming again?");
  await expect
    .poll(() => streamedTexts(alice!, dmId), { timeout: 30_000 })
    .toContain("streaming again!");
  // The node's shutdown ends every stream at once: no 5 s grace period cut (SHUTDOWN_GRACE_MS).
  expect(stopMs).toBeLessThan(4_000);
});
