// Issue 12 for DMs, real node, real clients: a DM member fed a foreign commit by a lying
// node notices it from the DM's commit log (entries signed by the installation that made
// each commit), asks to be re-added, the peer re-adds it, the peer's other device accepts
// that re-add because the request is on the log, and what was typed while out of sync goes
// out once. A DM "re-add" nobody asked for is refused by its receivers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { Client } from "../../lib/client";
import { requireGroup } from "../../lib/client/groups/state";
import { syncGroupInstallations } from "../../lib/client/groups/installations";
import { planAddNewInstallations } from "../../lib/client/groups/installations-plans";
import { commitChanges, groupMembers } from "../../lib/mls";
import { fromHex, toHex } from "../../lib/crypto";
import { newWallet } from "../support/accounts";
import { texts } from "../support/groups";
import { startLyingNode, type LyingNode } from "../support/lying-node";
import { forgeCommit, keyPackagesFor } from "./forge";
import { ctxOf, loggedClients, until } from "../support/client-internals";

describe("DMs heal from a fork by themselves", () => {
  let node: StartedNode;
  let liar: LyingNode;
  const { make, logs, closeAll } = loggedClients(() => node.url);
  const dmOf = async (c: Client, id: string) => {
    await c.conversations.sync();
    const dm = await c.conversations.getById(id);
    if (!dm) throw new Error(`${c.address} has no DM ${id}`);
    return dm;
  };
  const epochOf = async (c: Client, id: string) => (await requireGroup(ctxOf(c), id)).epoch;
  const once = async (c: Client, id: string, text: string) =>
    (await texts(await dmOf(c, id))).filter((t) => t === text).length;

  beforeAll(async () => {
    node = await startNode();
    liar = await startLyingNode(node.url);
  }, 90_000);
  afterAll(async () => {
    await closeAll();
    await liar?.close();
    await node?.stop();
  });

  it("dmMemberFedAForeignCommitIsDetectedReaddedByThePeerAndSendsWhatItTypedOnce", async () => {
    const alice = newWallet();
    const a1 = await make(alice, "dmf-alice1");
    const c = await make(newWallet(), "dmf-carol", liar.url); // carol talks through the liar
    const dm = await a1.conversations.newDm(c.address);
    const dc = await dmOf(c, dm.id);
    await dm.send("before");

    // Alice's second and third devices. Her first one adds both (the real commit); the liar
    // serves Carol another commit in its place, made from Alice's state with the same change
    // (DMs carry libxmtp's membership extension, which must match Alice's log) but its own
    // fresh secrets, and never published: Carol applies it and lands in another epoch.
    const a2 = await make(alice, "dmf-alice2");
    const a3 = await make(alice, "dmf-alice3");
    const before = await requireGroup(ctxOf(a1), dm.id);
    const plan = (await planAddNewInstallations(ctxOf(a1))(before))!;
    expect(plan.add!.map((k) => toHex(k.parsed.installationKey)).sort()).toEqual(
      [a2.installationId, a3.installationId].sort(),
    );
    const foreign = await commitChanges(
      before,
      { add: plan.add!.map((k) => k.bytes), ...(plan.context ? { context: plan.context } : {}) },
      ctxOf(a1).resolver.authenticate,
    );
    await syncGroupInstallations(ctxOf(a1), dm.id);
    const [real] = (await ctxOf(a1).api.queryGroupMessages(fromHex(dm.id))).slice(-1);
    liar.substitutes.set(`${dm.id}:${real!.id}`, foreign.commit);
    await c.conversations.sync();
    expect(liar.rewritten()).toBeGreaterThan(0);
    expect((await dmOf(c, dm.id)).syncState.state).toBe("in_sync"); // fooled, for now
    expect(await epochOf(c, dm.id)).toBe(await epochOf(a1, dm.id));
    await dmOf(a3, dm.id);
    expect(await epochOf(a3, dm.id)).toBe(await epochOf(a1, dm.id));
    // Sealed under the foreign state: unreadable until Carol is healed, then sent again.
    expect((await dc.send("carol while fooled")).status).toBe("published");
    const da2 = await dmOf(a2, dm.id);
    await dm.send("alice after the fork");

    // Alice's device publishes the entry of the commit it made; Carol's reached another state.
    await a1.checkCommitLog();
    await c.checkCommitLog();
    const forked = await dmOf(c, dm.id);
    expect(forked.syncState).toMatchObject({ state: "out_of_sync", code: "fork" });
    expect(c.forkStats().forksDetected).toBe(1);
    expect((await forked.send("typed while forked")).status).toBe("pending");
    // Alice's devices are not misled by Carol's state: nothing to compare there.
    await a2.checkCommitLog();
    expect(a1.forkStats().forksDetected + a2.forkStats().forksDetected).toBe(0);

    // Carol asks; Alice's first device (the first other leaf) re-adds her.
    await c.checkCommitLog();
    expect(c.forkStats().readdRequests).toBe(1);
    await a1.checkCommitLog();
    expect(a1.forkStats().readdsCommitted).toBe(1);
    // Alice's other device applies the re-add: Carol's request is on the log.
    await a2.conversations.sync();
    expect(await epochOf(a2, dm.id)).toBe(await epochOf(a1, dm.id));
    // (What Carol sealed under her forked state is dropped there, as for anyone else.)
    expect(logs["dmf-alice2"]!.filter((l) => /re-add/.test(String(l.detail.error)))).toEqual([]);
    await c.conversations.sync();
    expect((await dmOf(c, dm.id)).syncState).toEqual({ state: "in_sync" });
    expect(c.forkStats().healed).toBe(1);
    expect(await epochOf(c, dm.id)).toBe(await epochOf(a1, dm.id));

    // What Carol typed, and what she sent while fooled, reach both of Alice's devices once.
    for (const [x, name] of [
      [a1, "alice1"],
      [a2, "alice2"],
    ] as const) {
      await until(`${name} to read carol's queued and re-sent messages`, async () => {
        const got = await texts(await dmOf(x, dm.id));
        return got.includes("typed while forked") && got.includes("carol while fooled");
      });
      expect(await once(x, dm.id, "typed while forked")).toBe(1);
      expect(await once(x, dm.id, "carol while fooled")).toBe(1);
    }
    // Both ways again, after the heal.
    await dm.send("alice after healing");
    await da2.send("alice's phone after healing");
    expect(await once(c, dm.id, "alice after healing")).toBe(1);
    expect(await once(c, dm.id, "alice's phone after healing")).toBe(1);
    await (await dmOf(c, dm.id)).send("carol after healing");
    for (const x of [a1, a2]) expect(await once(x, dm.id, "carol after healing")).toBe(1);
    expect(await once(c, dm.id, "typed while forked")).toBe(1);
  }, 180_000);

  it("dmReaddNobodyAskedForIsRefusedByItsReceivers", async () => {
    const alice = newWallet();
    const a1 = await make(alice, "dmx-alice1");
    const a2 = await make(alice, "dmx-alice2");
    const b = await make(newWallet(), "dmx-bob");
    const dm = await b.conversations.newDm(a1.address);
    await dm.send("hi alice");
    await dmOf(a1, dm.id);
    await dmOf(a2, dm.id);
    const before = await epochOf(b, dm.id);
    // Alice's first device runs a modified client: it removes Bob's installation and adds
    // it back from a fresh key package, with no request from Bob on the log.
    const bobKey = groupMembers(await requireGroup(ctxOf(a1), dm.id)).find(
      (m) => toHex(m.installationKey) === b.installationId,
    )!.installationKey;
    await forgeCommit(a1, dm.id, async () => ({
      remove: [bobKey],
      add: await keyPackagesFor(a1, [b.installationId]),
    }));
    expect(await epochOf(a1, dm.id)).toBe(before + 1n);

    for (const [x, name] of [
      [b, "dmx-bob"],
      [a2, "dmx-alice2"],
    ] as const) {
      await x.conversations.sync();
      expect(await epochOf(x, dm.id)).toBe(before); // not applied, welcome not taken
      expect((await dmOf(x, dm.id)).syncState).toEqual({ state: "in_sync" });
      expect(
        logs[name]!.some(
          (l) =>
            l.event === "envelope_rejected" &&
            /re-adds (this )?installation.*which asked for no re-add/.test(String(l.detail.error)),
        ),
      ).toBe(true);
    }
    // Bob and Alice's honest device keep talking.
    await dm.send("still here");
    expect(await once(a2, dm.id, "still here")).toBe(1);
  }, 120_000);
});
