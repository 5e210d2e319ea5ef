// Issue 11 item 9: a former member knows a group's id and races the real welcome to the
// user's NEW installation with a group of his own under that id. Welcomes for one group id
// are candidate lineages; only what the user's own installations prove (who added this
// device, who speaks in the lineage, the epoch authenticator they report) picks one.
// Real node, real clients, real ts-mls; the forger is a modified client (forge-welcome.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client, Group } from "../../lib/client";
import { considerWelcomeForKnownGroup } from "../../lib/client/messages/welcome";
import { SEND_CHECK_INTERVAL_MS } from "../../lib/client/groups/installations";
import { fromHex } from "../../lib/crypto";
import { getCursor, groupTopic, markOutOfSync } from "../../lib/storage";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { Client as ClientClass } from "../../lib/client";
import { createClient, newWallet, type TestWallet } from "../support/accounts";
import { groupOf, texts, type Logged } from "../support/groups";
import { forgeGroup, postAsForger } from "./forge-welcome";
import { ctxOf } from "../support/client-internals";

const FAKE = "this is the group, send your seed phrase here";

describe("a forged welcome cannot capture a group id on a new device", () => {
  let node: StartedNode;
  let victim: TestWallet;
  let v1: Client, alice: Client, mallory: Client;
  const extra: Client[] = [];
  const logs: Record<string, Logged[]> = {};

  beforeAll(async () => {
    node = await startNode();
    victim = newWallet();
    logs["fwl-v1"] = [];
    v1 = await ClientClass.create(victim.signer, {
      apiUrl: node.url,
      dbName: "fwl-v1",
      indexedDB,
      IDBKeyRange,
      log: (event, detail) => logs["fwl-v1"]!.push({ event, detail }),
    });
    alice = await createClient(newWallet(), node.url, "fwl-alice");
    mallory = await createClient(newWallet(), node.url, "fwl-mallory");
  }, 120_000);

  afterAll(async () => {
    for (const x of [v1, alice, mallory, ...extra]) await x?.close();
    await node?.stop();
  });

  /** Alice's group with the victim and Mallory; Mallory is removed but keeps the id. */
  async function groupMalloryLeft(name: string): Promise<Group> {
    const g = await alice.conversations.newGroup([v1.inboxId, mallory.inboxId], { name });
    await g.send("before");
    await g.removeMembers([mallory.inboxId]);
    await groupOf(v1, g.id);
    return g;
  }

  async function newDevice(name: string): Promise<Client> {
    logs[name] = [];
    const c = await ClientClass.create(victim.signer, {
      apiUrl: node.url,
      dbName: name,
      indexedDB,
      IDBKeyRange,
      log: (event, detail) => logs[name]!.push({ event, detail }),
    });
    extra.push(c);
    return c;
  }

  /**
   * A sender re-checks the members' identity logs (and so adds a new installation) at most
   * every SEND_CHECK_INTERVAL_MS (5 s, as libxmtp); Alice checked at her "before" a moment
   * ago, so for her next send to bring the new device in, that much time passes first.
   */
  const untilAliceChecksAgain = () => new Promise((r) => setTimeout(r, SEND_CHECK_INTERVAL_MS));

  const forge = (on: Client, g: Group, name: string) =>
    forgeGroup(
      mallory,
      on,
      { conversationType: "group", creatorInboxId: mallory.inboxId },
      fromHex(g.id),
      name,
    );

  it("forgedWelcomeFirstLosesToTheRealOneMyOtherDeviceSent", async () => {
    const g = await groupMalloryLeft("Real one");
    const v2 = await newDevice("fwl-v2a");
    const forged = await forge(v2, g, "Real one");
    await postAsForger(forged, FAKE);
    // The old phone brings the new one in, as it does when it answers a history request.
    await (await groupOf(v1, g.id)).send("hello from my old phone");

    const seen = await groupOf(v2, g.id);
    expect(await texts(seen)).toContain("hello from my old phone");
    expect(await texts(seen)).not.toContain(FAKE);
    expect(seen.contested).toBe(false);
    await g.send("after");
    expect(await texts(await groupOf(v2, g.id))).toContain("after");
    expect((await (await groupOf(v2, g.id)).members()).map((m) => m.inboxId)).not.toContain(
      mallory.inboxId,
    );
  }, 120_000);

  it("realWelcomeFromAnotherMemberWinsOnceMyOtherDeviceSpeaksInIt", async () => {
    const g = await groupMalloryLeft("Second");
    const v2 = await newDevice("fwl-v2b");
    const forged = await forge(v2, g, "Second");
    await postAsForger(forged, FAKE);
    await untilAliceChecksAgain();
    await g.send("alice adds the new device"); // Alice's client adds v2: the adder is not us

    let seen = await groupOf(v2, g.id);
    // Two lineages, nothing of ours confirms either yet: contested, and what the user
    // types waits instead of going to whichever group might be Mallory's.
    expect(seen.contested).toBe(true);
    const held = await seen.send("only for the real group");
    expect(held.status).toBe("pending");

    await (await groupOf(v1, g.id)).send("it is me, on the old phone");
    seen = await groupOf(v2, g.id);
    expect(seen.contested).toBe(false);
    const shown = await texts(seen);
    expect(shown).toEqual(
      expect.arrayContaining(["alice adds the new device", "it is me, on the old phone"]),
    );
    expect(shown).not.toContain(FAKE);
    // The held message went to the real group once it was known.
    await v2.conversations.sync();
    await expect
      .poll(async () => texts(await groupOf(alice, g.id)), { timeout: 20_000 })
      .toContain("only for the real group");
  }, 120_000);

  it("aForgedWelcomeAfterTheRealOneReplacesNothing", async () => {
    const g = await groupMalloryLeft("Third");
    const v2 = await newDevice("fwl-v2c");
    await (await groupOf(v1, g.id)).send("v1 adds v2");
    expect(await texts(await groupOf(v2, g.id))).toContain("v1 adds v2");
    const forged = await forge(v2, g, "Third");
    await postAsForger(forged, FAKE);
    await g.send("still the real one");
    const seen = await groupOf(v2, g.id);
    expect(seen.contested).toBe(false);
    expect(await texts(seen)).toContain("still the real one");
    expect(await texts(seen)).not.toContain(FAKE);
  }, 120_000);

  it("twoForgedWelcomesThenTheRealOneSettledByMyOtherDevicesAuthenticator", async () => {
    const g = await groupMalloryLeft("Fourth");
    const v2 = await newDevice("fwl-v2d");
    await v2.deviceSync.ensureGroup(); // the devices' SYNC group (v1 joins it by welcome)
    await v1.conversations.sync();
    const first = await forge(v2, g, "Fourth");
    const second = await forge(v2, g, "Fourth");
    await postAsForger(first, FAKE);
    await postAsForger(second, FAKE);
    await untilAliceChecksAgain();
    await g.send("alice adds the new device");

    expect((await groupOf(v2, g.id)).contested).toBe(true);
    // v2 asks its other devices which lineage is real; v1 answers with its epoch
    // authenticator over the SYNC group; nobody posts in the group itself.
    await v2.deviceSync.askAboutContested();
    await expect
      .poll(
        async () => {
          await v1.conversations.sync();
          const seen = await groupOf(v2, g.id);
          return { contested: seen.contested, texts: await texts(seen) };
        },
        { timeout: 30_000 },
      )
      .toEqual({ contested: false, texts: ["alice adds the new device"] });
    expect(logs["fwl-v2d"]!.filter((l) => l.event === "welcome_lineage_adopted")).toEqual([
      {
        event: "welcome_lineage_adopted",
        detail: expect.objectContaining({ reason: "own_device" }),
      },
    ]);
  }, 120_000);

  it("reAddWelcomeReplacesAStateThatFellOutOfSync", async () => {
    const g = await groupMalloryLeft("Fifth");
    const lone = await createClient(newWallet(), node.url, "fwl-lone");
    extra.push(lone);
    await g.addMembers([lone.inboxId]);
    await groupOf(lone, g.id);
    // Fork recovery (task A): a member's next commit cannot be applied here...
    await g.updateName("Fifth, renamed");
    const ctx = ctxOf(lone);
    const [commit] = await ctx.api.queryGroupMessages(fromHex(g.id), {
      cursor: await getCursor(ctx.db, groupTopic(g.id)),
    });
    await markOutOfSync(ctx.db, g.id, { code: "test", reason: "forked", sinceNodeId: commit!.id });
    // ...so the others remove and re-add this installation with a fresh welcome.
    await g.removeMembers([lone.inboxId]);
    await g.addMembers([lone.inboxId]);
    await g.send("welcome back");
    // Out of sync, the welcome waits for the group's commit log to vouch for its epoch:
    // Alice (super admin) publishes her entries, the welcome is judged against them.
    await alice.checkCommitLog();
    const seen = await groupOf(lone, g.id);
    expect(seen.syncState.state).toBe("in_sync");
    expect(await texts(seen)).toContain("welcome back");
    expect(typeof considerWelcomeForKnownGroup).toBe("function");
  }, 120_000);
});
