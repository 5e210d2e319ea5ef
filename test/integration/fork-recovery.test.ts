// Issue 12 items 2-4 end to end, real node, real clients: a member fed a foreign commit by
// a lying node (a fork) notices it from the group's signed commit log, asks to be re-added,
// the first allowed member re-adds it, its queued message goes out, and a member offline
// the whole time comes back to the same epoch. Forged log entries and re-add requests
// change nothing.
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { Client } from "../../lib/client";
import { requireGroup } from "../../lib/client/groups/state";
import { nextContext } from "../../lib/client/groups/plans";
import {
  signedEntry,
  signedReaddRequest,
  verifiedReaddRequest,
} from "../../lib/client/forks/entries";
import { commitChanges, epochAuthenticator } from "../../lib/mls";
import { fromHex, generateEd25519KeyPair, randomBytes } from "../../lib/crypto";
import { newWallet, type TestWallet } from "../support/accounts";
import { groupOf, texts } from "../support/groups";
import { startLyingNode, type LyingNode } from "../support/lying-node";
import { ctxOf, until } from "../support/client-internals";

const fast = { checkIntervalMs: 60_000, takeoverMs: 60_000, requestEveryMs: 0 };

describe("forks are detected from the commit log and healed by a re-add", () => {
  let node: StartedNode;
  let liar: LyingNode;
  const clients: Client[] = [];
  const logs: { who: string; event: string; detail: Record<string, unknown> }[] = [];
  const make = async (w: TestWallet, name: string, url = node.url) => {
    const c = await Client.create(w.signer, {
      apiUrl: url,
      dbName: name,
      indexedDB,
      IDBKeyRange,
      forkRecovery: fast,
      log: (event, detail) => logs.push({ who: name, event, detail }),
    });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    node = await startNode();
    liar = await startLyingNode(node.url);
  }, 90_000);
  afterAll(async () => {
    for (const c of clients) await c.close();
    await liar?.close();
    await node?.stop();
  });

  it("foreignCommitFedByALyingNodeIsDetectedAndHealed: queued message goes out, offline member converges", async () => {
    const a = await make(newWallet(), "fr-alice");
    const b = await make(newWallet(), "fr-bob");
    const c = await make(newWallet(), "fr-carol", liar.url); // carol talks through the liar
    const d = await make(newWallet(), "fr-dave"); // offline from now to the end
    const g = await a.conversations.newGroup([b.inboxId, c.inboxId, d.inboxId], { name: "f" });
    const gb = await groupOf(b, g.id);
    await groupOf(c, g.id);
    await groupOf(d, g.id);
    await g.send("before");

    // Bob's state makes a commit nobody else ever sees (never published).
    const bobState = await requireGroup(ctxOf(b), g.id);
    const context = nextContext(bobState);
    context.metadata.attributes.group_name = "foreign";
    const foreign = await commitChanges(bobState, { context }, ctxOf(b).resolver.authenticate);
    // Alice's real commit; the liar serves Carol the foreign one in its place.
    await g.updateName("real");
    const [real] = (await ctxOf(a).api.queryGroupMessages(fromHex(g.id))).slice(-1);
    liar.substitutes.set(`${g.id}:${real!.id}`, foreign.commit);
    await c.conversations.sync();
    expect(liar.rewritten()).toBeGreaterThan(0);
    const fooled = (await c.conversations.getGroup(g.id))!;
    expect(fooled.syncState.state).toBe("in_sync"); // fooled, for now
    // Sealed under the foreign state: nobody can read it until Carol is healed (then it goes out again).
    expect((await fooled.send("carol while fooled")).status).toBe("published");
    await b.conversations.sync();
    await gb.send("bob after the fork"); // sealed in the real epoch: Carol cannot read it

    // Alice (super admin) publishes her log; Carol reads it and sees the fork.
    await a.checkCommitLog();
    await c.checkCommitLog();
    const forked = (await c.conversations.getGroup(g.id))!;
    expect(forked.syncState).toMatchObject({ state: "out_of_sync", code: "fork" });
    expect(c.forkStats().forksDetected).toBe(1);
    const queued = await forked.send("typed while forked");
    expect(queued.status).toBe("pending");

    // Carol asks; Alice (first allowed leaf) re-adds her with a fresh welcome.
    await c.checkCommitLog();
    expect(c.forkStats().readdRequests).toBe(1);
    await a.checkCommitLog();
    expect(a.forkStats().readdsCommitted).toBe(1);
    await c.conversations.sync();
    const healed = (await c.conversations.getGroup(g.id))!;
    expect(healed.syncState).toEqual({ state: "in_sync" });
    expect(c.forkStats().healed).toBe(1);
    expect(await healed.epoch()).toEqual(await g.epoch());
    // The queued message and the one sealed under the foreign state go out by themselves.
    for (const x of [a, b]) {
      await until(`${x.address} to read carol's queued and re-sent messages`, async () => {
        const got = await texts(await groupOf(x, g.id));
        return got.includes("typed while forked") && got.includes("carol while fooled");
      });
    }
    await g.send("after healing");
    await c.conversations.sync();
    expect((await texts(healed)).filter((t) => t === "after healing")).toHaveLength(1);

    // The node serves Alice the log again from its start (Carol's answered request replayed,
    // still inside its 10-minute window): Alice takes the request as spent, so nobody is
    // re-added again and Carol keeps her healed state.
    const asked = (await ctxOf(a).api.readCommitLog(fromHex(g.id))).filter((r) =>
      verifiedReaddRequest(r),
    );
    expect(asked).toHaveLength(1);
    await ctxOf(a).db.commitLogChains.update(g.id, { readCursor: "0" });
    const epochBeforeReplay = await g.epoch();
    await a.checkCommitLog();
    expect(a.forkStats().readdsCommitted).toBe(1);
    expect(await g.epoch()).toEqual(epochBeforeReplay);

    // Dave was offline through all of it: he applies the real commits and the re-add.
    const gd = await groupOf(d, g.id);
    expect(gd.syncState).toEqual({ state: "in_sync" });
    expect(await gd.epoch()).toEqual(await g.epoch());
    expect((await texts(gd)).sort()).toEqual(
      [
        "before",
        "bob after the fork",
        "carol while fooled",
        "typed while forked",
        "after healing",
      ].sort(),
    );
    for (const x of [a, b, c])
      expect(
        (await texts(await groupOf(x, g.id))).filter((t) => t === "carol while fooled"),
      ).toHaveLength(1);
    expect(
      (await texts(await groupOf(b, g.id))).filter((t) => t === "typed while forked"),
    ).toHaveLength(1);
  }, 180_000);

  it("backgroundWatchDetectsAndHealsAForkWithinSeconds: startSync's timer alone, no checkCommitLog call", async () => {
    const watch = { checkIntervalMs: 500, takeoverMs: 1_000, requestEveryMs: 2_000 };
    const mk = (name: string, url = node.url) =>
      Client.create(newWallet().signer, {
        apiUrl: url,
        dbName: name,
        indexedDB,
        IDBKeyRange,
        forkRecovery: watch,
        log: (event, detail) => logs.push({ who: name, event, detail }),
      }).then((c) => (clients.push(c), c));
    const a = await mk("bw-alice");
    const b = await mk("bw-bob");
    const c = await mk("bw-carol", liar.url);
    const g = await a.conversations.newGroup([b.inboxId, c.inboxId], { name: "watched" });
    await groupOf(b, g.id);
    await groupOf(c, g.id);
    // Carol is fed a foreign commit in place of Alice's rename (before her stream runs:
    // the liar rewrites queries, not the stream).
    const bobState = await requireGroup(ctxOf(b), g.id);
    const context = nextContext(bobState);
    context.metadata.attributes.group_name = "foreign";
    const foreign = await commitChanges(bobState, { context }, ctxOf(b).resolver.authenticate);
    await g.updateName("real");
    const [real] = (await ctxOf(a).api.queryGroupMessages(fromHex(g.id))).slice(-1);
    liar.substitutes.set(`${g.id}:${real!.id}`, foreign.commit);
    await c.conversations.sync();
    expect((await c.conversations.getGroup(g.id))!.syncState.state).toBe("in_sync"); // fooled
    const before = { a: a.forkStats(), c: c.forkStats() };

    const started = Date.now();
    const stops = [a.startSync(), c.startSync()];
    try {
      await until(
        "carol's watch to detect the fork",
        async () => c.forkStats().forksDetected > before.c.forksDetected,
        15_000,
      );
      const detectedMs = Date.now() - started;
      await until(
        "the watches to heal carol",
        async () =>
          (await c.conversations.getGroup(g.id))!.syncState.state === "in_sync" &&
          c.forkStats().healed > before.c.healed,
        20_000,
      );
      const healedMs = Date.now() - started;
      console.log(
        `background watch (500 ms interval): fork detected after ${detectedMs} ms, healed after ${healedMs} ms`,
      );
      expect(a.forkStats().readdsCommitted).toBe(before.a.readdsCommitted + 1);
      expect(await (await c.conversations.getGroup(g.id))!.epoch()).toEqual(await g.epoch());
    } finally {
      for (const stop of stops) stop();
    }
  }, 120_000);

  it("forgedEntriesAndRequestsChangeNothing: a wrong signer's entry is skipped, a request not signed by its installation is ignored", async () => {
    const a = await make(newWallet(), "fr2-alice");
    const b = await make(newWallet(), "fr2-bob");
    const g = await a.conversations.newGroup([b.inboxId], { name: "forged log" });
    const gb = await groupOf(b, g.id);
    await g.updateName("one");
    await b.conversations.sync();
    const state = await requireGroup(ctxOf(b), g.id);
    const api = ctxOf(b).api;
    // The node (or anyone) signs a lying entry for the current epoch with a key of its own.
    const fake = generateEd25519KeyPair();
    await api.publishCommitLog([
      signedEntry(
        {
          groupId: state.groupId,
          commitSequenceId: 1n,
          lastEpochAuthenticator: randomBytes(32),
          appliedEpoch: state.epoch,
          appliedEpochAuthenticator: randomBytes(32),
        },
        fake,
      ),
    ]);
    // A request naming Bob's installation, signed by another key (the node stores it: its
    // signature is valid for the key it names, just not Bob's).
    const forged = signedReaddRequest(
      {
        groupId: state.groupId,
        installationKey: ctxOf(b).installation.publicKey,
        inboxId: b.inboxId,
        epoch: state.epoch,
        requestedAtNs: BigInt(Date.now()) * 1_000_000n,
        leafEncryptionKey: new Uint8Array(32),
      },
      fake.privateKey,
    );
    forged.signerPublicKey = fake.publicKey;
    await api.publishCommitLog([forged]);
    await a.checkCommitLog();
    await b.checkCommitLog();
    await a.checkCommitLog();
    expect(a.forkStats()).toMatchObject({ forksDetected: 0, readdsCommitted: 0 });
    expect(b.forkStats().forksDetected).toBe(0);
    expect((await groupOf(b, g.id)).syncState).toEqual({ state: "in_sync" });
    expect(await gb.epoch()).toEqual(await g.epoch());
    expect(epochAuthenticator(await requireGroup(ctxOf(b), g.id))).toEqual(
      epochAuthenticator(await requireGroup(ctxOf(a), g.id)),
    );
  }, 120_000);
});
