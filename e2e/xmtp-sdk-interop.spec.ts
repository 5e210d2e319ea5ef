import { expect, test, type Browser } from "@playwright/test";
import fs from "node:fs";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { Client, type Group } from "../lib/client";
import { startNode, type StartedNode } from "../server/test/harness";
import { newWallet } from "../test/support/accounts";
import {
  buildPage,
  launchIsolated,
  newUser,
  NODE_ENV,
  NODE_URL,
  servePage,
  type User,
} from "./xmtp-sdk-harness";

// Issue #15 part 2: our MLS client and XMTP's SDK in one conversation. The SDK user
// (@xmtp/browser-sdk, libxmtp WASM, unmodified) runs in Chromium from the page of
// e2e/xmtp-sdk-page; our user is our library client, headless in this test process (its
// IndexedDB is fake-indexeddb; its MLS, crypto and node calls are the real ones). Both on
// one node process.

let node: StartedNode;
let dataDir: string;
let pageDir: string;
let pageServer: http.Server;
let browser: Browser;
let ours: Client;
const sdkUsers: Record<string, User & { address: string }> = {};

async function sdkUser(name: string) {
  const key = generatePrivateKey();
  const user = await newUser(browser, name, key);
  return { ...user, address: privateKeyToAccount(key).address.toLowerCase() };
}

const sdkTexts = (u: User, conversationId: string) =>
  u.page.evaluate((id) => window.sdk.texts(id), conversationId);
const sdkSend = (u: User, conversationId: string, text: string) =>
  u.page.evaluate(([id, t]) => window.sdk.send(id!, t!), [conversationId, text]);

/** Our user's text messages in a conversation, after a sync with the node. */
async function ourTexts(conversationId: string) {
  await ours.conversations.sync();
  const conv = (await ours.conversations.list()).find((c) => c.id === conversationId);
  if (!conv) return undefined;
  return (await conv.messages()).flatMap((m) =>
    typeof m.content === "string" ? [{ sender: m.senderInboxId, text: m.content }] : [],
  );
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "xmtp-interop-node-"));
  [pageDir, node] = await Promise.all([
    buildPage(),
    startNode({ dataDir, env: NODE_ENV, timeoutMs: 120_000 }),
  ]);
  pageServer = await servePage(pageDir);
  browser = await launchIsolated();
  for (const name of ["sam", "tess"]) sdkUsers[name] = await sdkUser(name);
  ours = await Client.create(newWallet().signer, {
    apiUrl: NODE_URL,
    dbName: `interop-ours-${Date.now()}`,
    indexedDB,
    IDBKeyRange,
    // What our receive path refused, printed: the first thing to read when a step fails.
    log: (event, detail) => console.log(`[ours] ${event} ${JSON.stringify(detail)}`),
  });
});

test.afterAll(async () => {
  for (const u of Object.values(sdkUsers)) {
    expect(u.escaped, `${u.name}'s requests that left the machine`).toEqual([]);
    await u.context.close();
  }
  await ours?.close();
  await browser?.close();
  await node?.stop();
  if (pageServer) await new Promise((r) => pageServer.close(r));
  for (const dir of [dataDir, pageDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("sdkStartsDmWithOurs: an SDK user opens a DM with our user; both send and read", async () => {
  test.setTimeout(120_000);
  const sam = sdkUsers.sam!;
  const dmId = await sam.page.evaluate((peer) => window.sdk.createDm(peer), ours.inboxId);
  await sdkSend(sam, dmId, "hi from XMTP's SDK");

  await expect
    .poll(() => ourTexts(dmId), { timeout: 30_000 })
    .toEqual([{ sender: sam.inboxId, text: "hi from XMTP's SDK" }]);
  const conv = (await ours.conversations.list()).find((c) => c.id === dmId)!;
  expect(conv.peerInboxId).toBe(sam.inboxId);

  await conv.send("hi SDK, our client here");
  await expect
    .poll(async () => (await sdkTexts(sam, dmId)).map((m) => m.text), { timeout: 30_000 })
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
    .poll(async () => (await ourTexts(dm.id))?.map((m) => m.text), { timeout: 30_000 })
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
    .poll(async () => (await ourTexts(groupId))?.map((m) => m.text), { timeout: 30_000 })
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
      .poll(async () => (await sdkTexts(u, groupId)).map((m) => m.text), {
        timeout: 30_000,
        message: u.name,
      })
      .toEqual(["welcome to the SDK's group", "our client is in the SDK's group"]);
  }
  await sdkSend(tess!, groupId, "tess here too");
  await expect
    .poll(async () => (await ourTexts(groupId))?.map((m) => m.text), { timeout: 30_000 })
    .toContain("tess here too");
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
    expect((await sdkTexts(u, group.id)).map((m) => m.text)).toEqual([
      "welcome to our client's group",
    ]);
  }
  await sdkSend(sam!, group.id, "sam answers");
  await sdkSend(tess!, group.id, "tess answers");
  await expect
    .poll(async () => (await ourTexts(group.id))?.map((m) => m.text).sort(), { timeout: 30_000 })
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
    .poll(async () => (await ourTexts(sdkGroupId))?.map((m) => m.text), { timeout: 30_000 })
    .toContain("sam after your rename");
  await expect
    .poll(async () => (await sdkTexts(tess!, sdkGroupId)).map((m) => m.text), { timeout: 30_000 })
    .toContain("ours after the rename");
});
