// Issue 12: a forked member's re-add welcome is judged by the group's signed commit log,
// real node, real clients. A welcome made from a state the log contradicts is refused
// (the forked state stays, the reason is counted); one that comes before the log entry
// vouching for it waits and is taken once that entry is read, never accepted blindly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { Client, type Group } from "../../lib/client";
import { requireGroup } from "../../lib/client/groups/state";
import { nextContext } from "../../lib/client/groups/plans";
import { runGroupChange } from "../../lib/client/groups/commit";
import {
  commitChanges,
  epochAuthenticator,
  leavesOf,
  parseKeyPackage,
  type GroupHandle,
} from "../../lib/mls";
import { fromHex, toHex } from "../../lib/crypto";
import { newWallet } from "../support/accounts";
import { groupOf, texts } from "../support/groups";
import { startLyingNode, type LyingNode } from "../support/lying-node";
import { keyPackagesFor } from "./forge";
import { ctxOf, loggedClients } from "../support/client-internals";

describe("a forked member's re-add welcome is checked against the commit log", () => {
  let node: StartedNode;
  let liar: LyingNode;
  const clients = loggedClients(() => node.url);
  const { logs } = clients;
  const make = (name: string, url?: string) => clients.make(newWallet(), name, url);

  beforeAll(async () => {
    node = await startNode();
    liar = await startLyingNode(node.url);
  }, 90_000);
  afterAll(async () => {
    await clients.closeAll();
    await liar?.close();
    await node?.stop();
  });

  /** Alice, Bob, and Carol (behind the liar) forked by a foreign commit and out of sync. */
  async function forkedCarol(prefix: string) {
    const a = await make(`${prefix}-alice`);
    const b = await make(`${prefix}-bob`);
    const c = await make(`${prefix}-carol`, liar.url);
    const g = await a.conversations.newGroup([b.inboxId, c.inboxId], { name: "judged" });
    await groupOf(b, g.id);
    await groupOf(c, g.id);
    const aliceBefore = await requireGroup(ctxOf(a), g.id);
    const bobState = await requireGroup(ctxOf(b), g.id);
    const context = nextContext(bobState);
    context.metadata.attributes.group_name = "foreign";
    const foreign = await commitChanges(bobState, { context }, ctxOf(b).resolver.authenticate);
    await g.updateName("real");
    const [real] = (await ctxOf(a).api.queryGroupMessages(fromHex(g.id))).slice(-1);
    liar.substitutes.set(`${g.id}:${real!.id}`, foreign.commit);
    await c.conversations.sync();
    await a.checkCommitLog();
    await c.checkCommitLog();
    const gc = (await c.conversations.getGroup(g.id))!;
    expect(gc.syncState).toMatchObject({ state: "out_of_sync", code: "fork" });
    return { a, b, c, g, aliceBefore };
  }

  const carolState = (c: Client, id: string) => requireGroup(ctxOf(c), id);
  const syncStateOf = async (c: Client, id: string) =>
    (await c.conversations.getGroup(id))!.syncState;

  async function healsAfterwards(a: Client, c: Client, g: Group) {
    await c.checkCommitLog(); // asks
    await a.checkCommitLog(); // re-adds
    await c.conversations.sync();
    expect(await syncStateOf(c, g.id)).toEqual({ state: "in_sync" });
    expect((await carolState(c, g.id)).epoch).toBe((await carolState(a, g.id)).epoch);
  }

  it("readdWelcomeContradictedByTheLogIsRefused: the forked state stays, the reason is counted", async () => {
    const { a, c, g, aliceBefore } = await forkedCarol("rc");
    const forkedAuth = toHex(epochAuthenticator(await carolState(c, g.id)));
    // A re-add of Carol made from Alice's state before her logged rename: its welcome
    // starts Carol at the logged epoch, with another authenticator.
    const carolKey = fromHex(c.installationId);
    const [kp] = await keyPackagesFor(a, [c.installationId]);
    const rogue = await commitChanges(
      aliceBefore,
      { remove: [carolKey], add: [kp!] },
      ctxOf(a).resolver.authenticate,
    );
    await sendCommitAndWelcome(a, rogue, kp!);
    await c.conversations.sync();

    expect(await syncStateOf(c, g.id)).toMatchObject({ state: "out_of_sync", code: "fork" });
    expect(toHex(epochAuthenticator(await carolState(c, g.id)))).toBe(forkedAuth);
    expect(c.diagnostics()).toMatchObject({ readd_welcome_contradicted: 1 });
    const refused = logs["rc-carol"]!.find((l) => l.event === "readd_welcome_forked");
    expect(String(refused?.detail.reason)).toMatch(/commit log records another state at epoch/);
    expect(logs["rc-carol"]!.some((l) => l.event === "welcome_lineage_adopted")).toBe(false);
    // The real recovery still works afterwards.
    await healsAfterwards(a, c, g);
  }, 120_000);

  it("readdWelcomeBeforeItsLogEntryWaitsAndIsTakenOnceTheEntryIsRead", async () => {
    const { a, b, c, g } = await forkedCarol("rw");
    const queued = await (await c.conversations.getGroup(g.id))!.send("typed while forked");
    expect(queued.status).toBe("pending");
    // Bob (no super admin: he publishes no log entries) re-adds Carol, as his watch does
    // when Alice does not answer; the log shows nothing of the new epoch yet.
    const bobGroup = await requireGroup(ctxOf(b), g.id);
    const carolLeaf = leavesOf(bobGroup.state.ratchetTree).find(
      (l) => toHex(l.leaf.signaturePublicKey) === c.installationId,
    )!;
    await runGroupChange(ctxOf(b), g.id, {
      op: "readd",
      installation: c.installationId,
      leafKey: toHex(carolLeaf.leaf.hpkePublicKey),
    });
    await c.conversations.sync();
    expect(logs["rw-carol"]!.some((l) => l.event === "readd_welcome_waiting")).toBe(true);
    expect(await syncStateOf(c, g.id)).toMatchObject({ state: "out_of_sync", code: "fork" });
    expect(await texts(await groupOf(b, g.id))).not.toContain("typed while forked");

    // Alice (super admin) applies the re-add and publishes its entry; Carol's next log read
    // finds it and takes the welcome she kept.
    await a.conversations.sync();
    await a.checkCommitLog();
    await c.checkCommitLog();
    expect(await syncStateOf(c, g.id)).toEqual({ state: "in_sync" });
    expect(c.forkStats().healed).toBe(1);
    expect((await carolState(c, g.id)).epoch).toBe((await carolState(a, g.id)).epoch);
    const gb = await groupOf(b, g.id);
    for (let i = 0; i < 100 && !(await texts(gb)).includes("typed while forked"); i++) {
      await new Promise((r) => setTimeout(r, 100));
      await b.conversations.sync();
    }
    expect((await texts(gb)).filter((t) => t === "typed while forked")).toHaveLength(1);
  }, 120_000);
});

/** Publishes a commit made outside the client and its welcome, as a modified client would. */
async function sendCommitAndWelcome(
  from: Client,
  out: { commit: Uint8Array; welcome?: Uint8Array; group: GroupHandle },
  keyPackage: Uint8Array,
) {
  const api = ctxOf(from).api;
  await api.sendGroupMessages([{ data: out.commit, shouldPush: false }]);
  const kp = parseKeyPackage(keyPackage);
  await api.sendWelcomeMessages([
    {
      installationKey: kp.installationKey,
      hpkePublicKey: kp.keyPackage.initKey,
      data: out.welcome!,
    },
  ]);
}
