// Web Push end to end in Node: real clients on a real node, pushing to the local
// push-service stand-in (VAPID JWT checked, RFC 8291 payload decrypted). What a person
// relies on: a message notifies the peer, never the sender's own devices (also one that
// learnt the inbox's HMAC key through the SYNC group), never a request, a muted
// conversation or a blocked inbox; the mute reaches the other device.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserPushSubscription, Client, Conversation } from "../../lib/client";
import { startNode, type StartedNode } from "../../server/test/harness";
import { PushServiceStandIn } from "../../server/test/push-service-stand-in";
import { createClient, newWallet, type TestWallet } from "../support/accounts";

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64url");

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe("web push between real clients", () => {
  let node: StartedNode;
  let vapid = "";
  const standIn = new PushServiceStandIn(() => vapid);
  let alice: TestWallet;
  let a1: Client, a2: Client, bob: Client, carol: Client;
  let dm: Conversation;

  const subscriptionFor = (name: string): BrowserPushSubscription => {
    const s = standIn.subscription(name);
    return { endpoint: s.endpoint, keys: { p256dh: b64(s.p256dh), auth: b64(s.auth) } };
  };
  const groupsPushedTo = (name: string) =>
    standIn.to(name).map((p) => (p.payload as { group: string }).group);

  /** A marker that must reach bob, then a pause: whatever bob got before it is all he gets. */
  async function settleBob(marker: Conversation) {
    const before = standIn.to("bob").length;
    await marker.send("marker");
    await standIn.waitFor(() => standIn.to("bob").length > before);
    await new Promise((r) => setTimeout(r, 500));
  }

  beforeAll(async () => {
    await standIn.start();
    node = await startNode({ env: { PUSH_ALLOW_HTTP_ENDPOINTS: "1" } });
    alice = newWallet();
    a1 = await createClient(alice, node.url, "wp-a1");
    a2 = await createClient(alice, node.url, "wp-a2");
    bob = await createClient(newWallet(), node.url, "wp-bob");
    carol = await createClient(newWallet(), node.url, "wp-carol");
    vapid = await bob.push.vapidPublicKey();
    await a1.deviceSync.ensureGroup();
    await a2.conversations.sync();
    await a2.deviceSync.ensureGroup();
  }, 180_000);

  afterAll(async () => {
    for (const c of [a1, a2, bob, carol]) await c?.close();
    await node?.stop();
    await standIn.stop();
  });

  it("aMessageNotifiesThePeerOnceAccepted_neverAsARequest", async () => {
    await bob.push.enable(subscriptionFor("bob"));
    await a1.push.enable(subscriptionFor("alice-1"));
    expect(await bob.push.status()).toEqual({ enabled: true, subscribed: true });
    dm = await a1.conversations.newDm(bob.address);
    await bob.conversations.sync();
    await dm.send("are you there?"); // a request for Bob: no push
    await new Promise((r) => setTimeout(r, 800));
    expect(standIn.to("bob")).toHaveLength(0);
    const bobsDm = (await bob.conversations.getById(dm.id))!;
    await bobsDm.updateConsentState("allowed");
    await bob.push.syncTopics();
    await dm.send("hello Bob");
    await standIn.waitFor(() => standIn.to("bob").length === 1);
    expect(groupsPushedTo("bob")).toEqual([dm.id]);
    expect(standIn.refused).toEqual([]);
  }, 90_000);

  it("neverTheSendersOwnDevices_evenOneThatLearntTheKeyThroughTheSyncGroup", async () => {
    // Alice's second device gets her push preferences (HMAC root key) through the SYNC group.
    await until("a2 has a1's push root key", async () => {
      await a2.conversations.sync();
      return (await a2.push.synced()).rootKey === (await a1.push.synced()).rootKey;
    });
    await until("a2 is in the DM", async () => {
      await a2.conversations.sync();
      return !!(await a2.conversations.getById(dm.id));
    });
    const fromA2 = (await a2.conversations.getById(dm.id))!;
    await fromA2.send("from Alice's second device");
    await (await bob.conversations.getById(dm.id))!.send("Bob answers"); // reaches alice-1
    await standIn.waitFor(
      () => standIn.to("alice-1").length === 1 && standIn.to("bob").length === 2,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(standIn.to("alice-1")).toHaveLength(1); // Bob's answer; none of Alice's own
    expect(standIn.to("bob")).toHaveLength(2); // "hello" and a2's message; not his own answer
  }, 90_000);

  it("aMutedConversationIsQuiet_andTheMuteReachesTheOtherDevice", async () => {
    const group = await a1.conversations.newGroup([bob.address]);
    await bob.conversations.sync();
    const bobsGroup = (await bob.conversations.getById(group.id))!;
    await bobsGroup.updateConsentState("allowed");
    await bob.push.setMuted(dm.id, true);
    const before = standIn.to("bob").length;
    await dm.send("muted, no buzz");
    await settleBob(group);
    expect(groupsPushedTo("bob").slice(before)).toEqual([group.id]);
    // Alice mutes the group on her first device; her second device sees it muted.
    await a1.push.setMuted(group.id, true);
    await until("the mute reached a2", async () => {
      await a2.conversations.sync();
      return (
        (await a2.conversations.getById(group.id)) !== undefined &&
        (await a2.push.isMuted(group.id))
      );
    });
  }, 120_000);

  it("aBlockedInboxNeverNotifies", async () => {
    const carolDm = await carol.conversations.newDm(bob.address);
    await bob.conversations.sync();
    await (await bob.conversations.getById(carolDm.id))!.updateConsentState("allowed");
    await bob.push.syncTopics();
    const before = standIn.to("bob").length;
    await carolDm.send("first, while allowed");
    await standIn.waitFor(() => standIn.to("bob").length === before + 1);
    await bob.preferences.setConsentStates([
      { entity: { kind: "inbox", inboxId: carol.inboxId }, state: "denied" },
    ]);
    await bob.push.syncTopics();
    await carolDm.send("after the block");
    const marker = (await a1.conversations.list()).find((c) => c.kind === "group")!;
    await settleBob(marker);
    expect(groupsPushedTo("bob").slice(before)).toEqual([carolDm.id, marker.id]);
  }, 90_000);

  it("turningNotificationsOffUnsubscribesThisDeviceAndTheOthers", async () => {
    await a2.push.disable();
    await until("a1 turned off too", async () => {
      await a1.conversations.sync();
      return (await a1.push.status()).subscribed === false;
    });
    expect(await a1.push.status()).toEqual({ enabled: false, subscribed: false });
  }, 60_000);
});
