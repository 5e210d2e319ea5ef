// The push service worker's library entry (lib/client/push/worker.ts) in Node, against a
// real node and the local push-service stand-in: the payload is the one the node really
// pushed. What a person relies on: with the app closed the notification shows who wrote
// and what; the message the worker decrypted is in the thread when the app opens, once,
// and the app never tries to decrypt it again (MLS keys are single-use). A push whose
// message needs a commit first shows a generic notice and changes nothing; sign to unlock
// on (no wallet in the worker) also gives the generic notice.
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Client, type BrowserPushSubscription, type Conversation } from "../../lib/client";
import { noticeForPush, resubscribe, type PushWorkerEnv } from "../../lib/client/push/worker";
import { groupTopic, getCursor, MessengerDb } from "../../lib/storage";
import { startNode, type StartedNode } from "../../server/test/harness";
import { PushServiceStandIn } from "../../server/test/push-service-stand-in";
import { newWallet, type TestWallet } from "../support/accounts";
import { groupOf } from "../support/groups";

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64url");
const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;

describe("the push worker reads a pushed message as the app would", () => {
  let node: StartedNode;
  let vapid = "";
  const standIn = new PushServiceStandIn(() => vapid);
  let aliceWallet: TestWallet, bobWallet: TestWallet;
  let alice: Client;
  const worker: PushWorkerEnv = {
    databaseNames: async () => (await indexedDB.databases()).map((d) => d.name!),
    indexedDB,
    IDBKeyRange,
  };
  const bobDb = () => `messenger-${bobWallet.address}`;
  /** Bob's app, opened from this "browser profile" as a reload does (no wallet, no sync). */
  const openBobsApp = () =>
    Client.restore(bobWallet.address, { apiUrl: node.url, indexedDB, IDBKeyRange });

  /** Alice sends; the node's push to Bob's subscription is returned as the worker gets it. */
  let bobsEndpoint = "bob";
  let firstEndpoint = "";
  async function pushFor(send: () => Promise<unknown>): Promise<unknown> {
    const before = standIn.to(bobsEndpoint).length;
    await send();
    await standIn.waitFor(() => standIn.to(bobsEndpoint).length > before);
    return standIn.to(bobsEndpoint)[before]!.payload;
  }

  /** Bob's stored state for a conversation, read straight from his database. */
  async function bobsState(conversationId: string) {
    const db = new MessengerDb(bobDb(), { indexedDB, IDBKeyRange });
    try {
      const group = await db.groups.get(conversationId);
      return {
        cursor: await getCursor(db, groupTopic(conversationId)),
        epoch: group?.epoch,
        messages: await db.messages
          .where("[conversationId+sentAtNs+id]")
          .between([conversationId, ""], [conversationId, "\uffff"])
          .count(),
      };
    } finally {
      db.close();
    }
  }

  /** Bob opens the app once: joins `conversation`, accepts it, registers it for pushes, closes. */
  async function bobAccepts(conversation: Conversation) {
    const bob = await openBobsApp();
    await bob.conversations.sync();
    await (await bob.conversations.getById(conversation.id))!.updateConsentState("allowed");
    await bob.push.syncTopics();
    await bob.close();
  }

  beforeAll(async () => {
    await standIn.start();
    node = await startNode({ env: { PUSH_ALLOW_HTTP_ENDPOINTS: "1" } });
    aliceWallet = newWallet();
    bobWallet = newWallet();
    const opts = { apiUrl: node.url, indexedDB, IDBKeyRange };
    alice = await Client.create(aliceWallet.signer, opts);
    const bob = await Client.create(bobWallet.signer, opts);
    vapid = await bob.push.vapidPublicKey();
    const s = standIn.subscription("bob");
    firstEndpoint = s.endpoint;
    const sub: BrowserPushSubscription = {
      endpoint: s.endpoint,
      keys: { p256dh: b64(s.p256dh), auth: b64(s.auth) },
    };
    await bob.push.enable(sub);
    await bob.close(); // the app is closed from here on: only the worker reads
  }, 180_000);

  afterAll(async () => {
    await alice?.close();
    await node?.stop();
    await standIn.stop();
  });

  it("decryptsAPushedDm_andTheAppShowsItOnceWithoutDecryptingAgain", async () => {
    const dm = await alice.conversations.newDm(bobWallet.address);
    await dm.send("are you there?");
    await bobAccepts(dm);
    const text = `push-decrypted ${Date.now()}`;
    const payload = await pushFor(() => dm.send(text));

    const notice = await noticeForPush(payload, worker);
    expect(notice).toEqual({
      title: short(aliceWallet.address),
      body: text,
      tag: dm.id,
      url: `/conversations?c=${dm.id}`,
    });
    // Stored by the worker: the cursor is past it before the app runs at all.
    const id = BigInt((payload as { id: string }).id);
    expect((await bobsState(dm.id)).cursor).toBeGreaterThanOrEqual(id);

    const bob = await openBobsApp();
    try {
      const thread = (await bob.conversations.getById(dm.id))!;
      expect((await thread.messages()).filter((m) => m.content === text)).toHaveLength(1);
      await bob.conversations.sync(); // the app's catch-up: nothing left to decrypt
      expect((await thread.messages()).filter((m) => m.content === text)).toHaveLength(1);
      expect(bob.diagnostics()).toEqual({}); // no "cannot decrypt", nothing dropped
    } finally {
      await bob.close();
    }
    // The same push again (a retry): the stored message is shown, nothing is applied twice.
    expect(await noticeForPush(payload, worker)).toMatchObject({ body: text });
  }, 120_000);

  it("aMessageBehindACommitGivesTheGenericNotice_andLeavesTheStateAsItWas", async () => {
    const group = await alice.conversations.newGroup([bobWallet.address], { name: "Hike" });
    await group.send("welcome");
    await bobAccepts(group);
    const before = await bobsState(group.id);
    await (await groupOf(alice, group.id)).updateName("Hike, Saturday");
    const payload = await pushFor(() => group.send("meet at eight"));

    const notice = await noticeForPush(payload, worker);
    expect(notice).toEqual({
      title: "New message",
      body: "Open the app to read it.",
      tag: group.id,
      url: `/conversations?c=${group.id}`,
      generic: "needs_commit",
    });
    expect(await bobsState(group.id)).toEqual(before);

    // The app applies the commit and the message in order, each once.
    const bob = await openBobsApp();
    try {
      await bob.conversations.sync();
      const thread = (await bob.conversations.getById(group.id))!;
      expect(thread.summary().name).toBe("Hike, Saturday");
      const texts = (await thread.messages()).map((m) => m.content);
      expect(texts.filter((t) => t === "meet at eight")).toHaveLength(1);
      expect(bob.diagnostics()).toEqual({});
    } finally {
      await bob.close();
    }
    // Now nothing stands before it: a later push for the group is read.
    const later = await pushFor(() => group.send("bring water"));
    expect(await noticeForPush(later, worker)).toMatchObject({
      title: "Hike, Saturday",
      body: `${short(aliceWallet.address)}: bring water`,
    });
  }, 120_000);

  it("aRotatedSubscriptionIsRegisteredByTheWorker_andPushesGoToTheNewOne", async () => {
    const dm = (await alice.conversations.list()).find((c) => c.kind === "dm")!;
    const old = firstEndpoint;
    const fresh = standIn.subscription("bob-rotated");
    const asked: string[] = [];
    const count = await resubscribe(
      old,
      async (key) => {
        asked.push(key);
        return {
          endpoint: fresh.endpoint,
          keys: { p256dh: b64(fresh.p256dh), auth: b64(fresh.auth) },
        };
      },
      worker,
    );
    expect(count).toBe(1);
    expect(asked).toEqual([vapid]); // subscribed under the node's own VAPID key
    const before = standIn.to("bob").length;
    await dm.send("to the new subscription");
    await standIn.waitFor(() => standIn.to("bob-rotated").length === 1);
    expect(standIn.to("bob")).toHaveLength(before);
    bobsEndpoint = "bob-rotated";
    // An endpoint this installation never registered is not its to replace.
    expect(
      await resubscribe(
        "https://elsewhere.invalid/x",
        async () => ({ endpoint: "", keys: { p256dh: "", auth: "" } }),
        worker,
      ),
    ).toBe(0);
  }, 120_000);

  it("withSignToUnlockOnTheWorkerCannotOpenTheStore_andShowsTheGenericNotice", async () => {
    const dm = (await alice.conversations.list()).find((c) => c.kind === "dm")!;
    const bob = await openBobsApp();
    await bob.enableSignToUnlock(bobWallet.signer);
    await bob.close();
    const before = await bobsState(dm.id);
    const payload = await pushFor(() => dm.send("locked away"));
    // The worker is its own JavaScript realm: it never holds the key this "tab" unlocked.
    vi.resetModules();
    const inWorker = await import("../../lib/client/push/worker");
    expect(await inWorker.noticeForPush(payload, worker)).toMatchObject({
      title: "New message",
      tag: dm.id,
      generic: "store_locked",
    });
    expect(await bobsState(dm.id)).toEqual(before);
  }, 120_000);

  it("aPayloadNotFromOurNodeStillShowsANoticeForTheList", async () => {
    expect(await noticeForPush("hello", worker)).toMatchObject({
      title: "New message",
      url: "/conversations",
      tag: "messenger-push",
    });
  });
});
