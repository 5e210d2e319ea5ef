// Welcomes are trusted for what they prove, not for what they claim (issue 11, items 7
// and 11): consent follows the member who authentically added us, and the key package
// that opened a welcome cannot open it again.
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { Client } from "../../lib/client";
import { currentKeyPackage, getKeyPackage, listKeyPackages } from "../../lib/storage";
import { newWallet, type TestWallet } from "../support/accounts";
import { applyWelcome } from "../../lib/client/messages/welcome";
import { forgeInvitation } from "./forge-welcome";
import { ctxOf } from "../support/client-internals";

type Logged = { event: string; detail: Record<string, unknown> };

function client(w: TestWallet, url: string, name: string, logs: Logged[] = []) {
  return Client.create(w.signer, {
    apiUrl: url,
    dbName: name,
    indexedDB,
    IDBKeyRange,
    log: (event, detail) => logs.push({ event, detail }),
  });
}

describe("what a welcome proves", () => {
  let node: StartedNode;
  const victimLogs: Logged[] = [];
  let victim: Client, stranger: Client, friend: Client;

  beforeAll(async () => {
    node = await startNode({ timeoutMs: 180_000 });
    victim = await client(newWallet(), node.url, "wt-victim", victimLogs);
    stranger = await client(newWallet(), node.url, "wt-stranger");
    friend = await client(newWallet(), node.url, "wt-friend");
  }, 240_000);

  afterAll(async () => {
    for (const x of [victim, stranger, friend]) await x?.close();
    await node?.stop();
  });

  it("strangerGroupNamingVictimAsCreatorStaysInRequests", async () => {
    const id = await forgeInvitation(stranger, victim, {
      conversationType: "group",
      creatorInboxId: victim.inboxId,
    });
    await victim.conversations.sync();
    const hex = Buffer.from(id).toString("hex");
    const joined = await victim.conversations.getById(hex);
    expect(joined?.kind).toBe("group");
    expect(await joined!.consentState()).toBe("unknown");
    const requests = await victim.conversations.list({ consent: ["unknown"] });
    expect(requests.map((c) => c.id)).toContain(hex);
  }, 60_000);

  it("strangerDmNamingVictimAsCreatorStaysInRequests", async () => {
    const id = await forgeInvitation(stranger, victim, {
      conversationType: "dm",
      creatorInboxId: victim.inboxId,
      dmMembers: [victim.inboxId, stranger.inboxId],
    });
    await victim.conversations.sync();
    const joined = await victim.conversations.getById(Buffer.from(id).toString("hex"));
    expect(joined?.kind).toBe("dm");
    expect(await joined!.consentState()).toBe("unknown");
  }, 60_000);

  it("spentKeyPackageIsDeletedAndAReplayedWelcomeFailsCleanly", async () => {
    const used = (await currentKeyPackage(ctxOf(victim).db))!;
    const g = await friend.conversations.newGroup([victim.inboxId], { name: "once" });
    await victim.conversations.sync();
    expect(await victim.conversations.getById(g.id)).toBeDefined();
    // The private key that opened the welcome is gone; a fresh key package replaced it.
    expect(await getKeyPackage(ctxOf(victim).db, used.ref)).toBeUndefined();
    const left = await listKeyPackages(ctxOf(victim).db);
    expect(left.map((k) => k.ref)).not.toContain(used.ref);
    expect(left).toHaveLength(1);
    const [onNode] = await ctxOf(friend).api.fetchKeyPackages([
      ctxOf(victim).installation.publicKey,
    ]);
    expect(Buffer.from(onNode!).equals(Buffer.from(left[0]!.publicBytes))).toBe(true);

    // The node (or anyone it relays for) delivers the very same welcome again under a new
    // id — the node itself stores identical bytes once, so a lying node is the replayer.
    const inst = ctxOf(victim).installation.publicKey;
    const sent = await ctxOf(friend).api.queryWelcomeMessages(inst, { cursor: 0n });
    const original = sent.at(-1)!;
    const before = (await victim.conversations.list()).length;
    const replay = { ...original, id: original.id + 1_000_000n };
    await expect(
      applyWelcome(ctxOf(victim), replay, (event, detail) => victimLogs.push({ event, detail })),
    ).resolves.toBeUndefined();
    expect((await victim.conversations.list()).length).toBe(before);
    const rejected = victimLogs.filter((l) => l.event === "welcome_rejected");
    expect(rejected.at(-1)?.detail).toMatchObject({ id: replay.id.toString() });
    // The group itself goes on.
    await g.send("still here");
    await victim.conversations.sync();
    const texts = (await (await victim.conversations.getById(g.id))!.messages()).map(
      (m) => m.content,
    );
    expect(texts).toContain("still here");
  }, 60_000);
});
