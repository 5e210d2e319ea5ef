// Commits are judged against the identity logs as the group recorded them (issue 11,
// item 2). A member offline across "an installation is added, then revoked" must follow
// both commits and read on; a joiner whose welcome holds a since-revoked leaf must join;
// and a member's commit that cannot be applied is never skipped silently.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client } from "../../lib/client";
import { requireGroup } from "../../lib/client/groups/state";
import { nextContext } from "../../lib/client/groups/plans";
import { commitChanges, groupMembers } from "../../lib/mls";
import { fromHex, toHex } from "../../lib/crypto";
import { getCursor, groupTopic } from "../../lib/storage";
import { createClient, newWallet } from "../support/accounts";
import { groupOf, texts } from "../support/groups";
import { ctxOf } from "../support/client-internals";

describe("identity history: commits are checked at the log entry the group recorded", () => {
  let node: StartedNode;
  const [alice, bob, mia, noah] = [newWallet(), newWallet(), newWallet(), newWallet()];
  let a: Client, b1: Client, b2: Client, m: Client, n: Client;

  beforeAll(async () => {
    node = await startNode({ timeoutMs: 180_000 });
    a = await createClient(alice, node.url, "ih-a");
    b1 = await createClient(bob, node.url, "ih-b1");
    m = await createClient(mia, node.url, "ih-m");
    n = await createClient(noah, node.url, "ih-n");
  }, 240_000);

  afterAll(async () => {
    for (const x of [a, b1, b2, m, n]) await x?.close();
    await node?.stop();
  });

  it("offlineMemberFollowsAddThenRevokeOfAnInstallation, and a joiner whose welcome holds the since-revoked leaf joins", async () => {
    const g = await a.conversations.newGroup([b1.inboxId, m.inboxId], { name: "offline" });
    await groupOf(m, g.id); // M joins, then goes offline (no sync, no stream) until the end
    await g.send("before");

    // Bob opens a second browser: Alice's next send adds it (commit 1, Bob's log entry 2).
    b2 = await createClient(bob, node.url, "ih-b2");
    await g.send("with b2");
    // Noah is added while b2 is in the tree: his welcome holds b2's leaf.
    await g.addMembers([n.inboxId]);
    // Bob revokes b2 (log entry 3); Alice's next send removes it (commit 2).
    await b1.revokeInstallations(bob.signer, [b2.installationId]);
    await g.send("after revoke");
    const bobLeaves = groupMembers(await requireGroup(ctxOf(a), g.id))
      .filter((x) => x.inboxId === b1.inboxId)
      .map((x) => toHex(x.installationKey));
    expect(bobLeaves).toEqual([b1.installationId]);

    // Mia comes back and processes both commits.
    const gm = await groupOf(m, g.id);
    expect(await texts(gm)).toEqual(["before", "with b2", "after revoke"]);
    expect(gm.syncState).toEqual({ state: "in_sync" });
    // Noah opens his welcome only now, after b2 was revoked.
    const gn = await groupOf(n, g.id);
    expect(gn.syncState).toEqual({ state: "in_sync" });
    expect(await texts(gn)).toEqual(["after revoke"]);
    // Both write, and everyone reads it.
    await gm.send("mia is back");
    await gn.send("noah too");
    expect(await texts(await groupOf(a, g.id))).toEqual([
      "before",
      "with b2",
      "after revoke",
      "mia is back",
      "noah too",
    ]);
  }, 120_000);

  it("memberCommitThatCannotBeAppliedMarksOutOfSync: nothing is skipped, the cursor stays, typed messages wait", async () => {
    const carl = newWallet();
    const c1 = await createClient(carl, node.url, "ih-c1");
    const g = await a.conversations.newGroup([c1.inboxId, m.inboxId], { name: "forged" });
    const gm = await groupOf(m, g.id);
    await g.send("in step");
    // Carl's second installation; its key package is taken while it is live, then revoked.
    const c2 = await createClient(carl, node.url, "ih-c2");
    const [kp] = await ctxOf(a).api.fetchKeyPackages([ctxOf(c2).installation.publicKey]);
    await c1.revokeInstallations(carl.signer, [c2.installationId]);
    // A modified client of Alice's adds the revoked installation anyway, naming Carl's
    // newest log entry (which no longer holds it), and moves on with her own state.
    const ctx = ctxOf(a);
    const group = await requireGroup(ctx, g.id);
    const context = nextContext(group);
    const newest = await ctx.resolver.latest(c1.inboxId);
    context.membership.set(c1.inboxId, newest!.sequenceId);
    const out = await commitChanges(group, { add: [kp!], context }, () => Promise.resolve(true));
    await ctx.api.sendGroupMessages([{ data: out.commit, shouldPush: false }]);
    const forgedAt = (await ctx.api.queryGroupMessages(fromHex(g.id), { cursor: 0n })).at(-1)!.id;

    await m.conversations.sync();
    const after = (await m.conversations.getGroup(g.id))!;
    expect(after.syncState).toMatchObject({
      state: "out_of_sync",
      code: "unauthorized_member",
      sinceNodeId: forgedAt,
    });
    // The cursor stays before the commit: recovery finds it, and everything after, on the node.
    expect(await getCursor(ctxOf(m).db, groupTopic(g.id))).toBe(forgedAt - 1n);
    // A later sync asks once and stops (no hot loop); still out of sync.
    await m.conversations.sync();
    expect((await m.conversations.getGroup(g.id))!.syncState.state).toBe("out_of_sync");
    // What Mia types is kept, queued, not sealed under a state the group left.
    const queued = await gm.send("typed while out of sync");
    expect(queued.status).toBe("pending");
    expect((await gm.messages()).map((x) => x.content)).toContain("typed while out of sync");
    await expect(gm.updateName("x")).rejects.toMatchObject({ code: "out_of_sync" });
    for (const x of [c1, c2]) await x.close();
  }, 120_000);
});
