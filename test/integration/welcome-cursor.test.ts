// A new member starts reading a group at the commit that added it (libxmtp's
// welcome_metadata message_cursor, issue #15): the adder's welcome names that commit's node
// id, and the joiner takes it only when the node's envelope there is a commit made at the
// epoch just before the one it joined.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { fromHex } from "../../lib/crypto";
import { getCursor, groupTopic } from "../../lib/storage";
import { requireGroup } from "../../lib/client/groups/state";
import { startAfterAddCommit } from "../../lib/client/messages/welcome-cursor";
import { newWallet } from "../support/accounts";
import { ctxOf, loggedClients } from "../support/client-internals";
import { groupOf, texts } from "../support/groups";

describe("where a new member starts reading", () => {
  let node: StartedNode;
  const { make, logs, closeAll } = loggedClients(() => node.url);

  beforeAll(async () => {
    node = await startNode({ timeoutMs: 180_000 });
  }, 240_000);

  afterAll(async () => {
    await closeAll();
    await node?.stop();
  });

  it("aNewMemberStartsAtItsAddCommitAndTriesNothingFromBefore", async () => {
    const [alice, carol, bob] = await Promise.all([
      make(newWallet(), "wc-alice"),
      make(newWallet(), "wc-carol"),
      make(newWallet(), "wc-bob"),
    ]);
    const group = await alice.conversations.newGroup([carol.inboxId]);
    await group.send("before Bob 1");
    await group.send("before Bob 2");
    await group.updateName("renamed before Bob");
    await group.addMembers([bob.inboxId]);
    // Alice's cursor now stands on her add commit, the group's newest envelope.
    const addCommitId = await getCursor(ctxOf(alice).db, groupTopic(group.id));
    const [newest] = await ctxOf(alice).api.queryGroupMessages(fromHex(group.id), {
      direction: "descending",
      limit: 1,
    });
    expect(newest?.id).toBe(addCommitId);

    await bob.conversations.sync();
    expect(await getCursor(ctxOf(bob).db, groupTopic(group.id))).toBe(addCommitId);
    // Nothing from before the add was fetched and refused as undecryptable.
    expect(logs["wc-bob"]!.filter((l) => l.detail.groupId === group.id)).toEqual([]);

    await group.send("after Bob joined");
    await bob.conversations.sync();
    expect(await texts(await groupOf(bob, group.id))).toEqual(["after Bob joined"]);
  }, 120_000);

  it("aCursorThatIsNotTheCommitBeforeOurEpochIsRefused", async () => {
    const [alice, bob] = await Promise.all([
      make(newWallet(), "wc-alice2"),
      make(newWallet(), "wc-bob2"),
    ]);
    const group = await alice.conversations.newGroup([bob.inboxId]);
    await bob.conversations.sync();
    await group.send("an application message");
    await group.updateName("a commit at Bob's own epoch");
    const later = await ctxOf(alice).api.queryGroupMessages(fromHex(group.id), {
      direction: "descending",
      limit: 2,
    });
    const ctx = ctxOf(bob);
    // Bob's state is still at the epoch he joined (he has not read the rename yet).
    const handle = await requireGroup(ctx, group.id);
    const before = await getCursor(ctx.db, groupTopic(group.id));
    const bobLog = logs["wc-bob2"]!;
    for (const env of later) {
      bobLog.length = 0;
      await startAfterAddCommit(ctx, handle, group.id, env.id, (event, detail) =>
        bobLog.push({ event, detail }),
      );
      expect(bobLog.map((l) => l.event)).toEqual(["welcome_cursor_refused"]);
      expect(await getCursor(ctx.db, groupTopic(group.id))).toBe(before);
    }
  }, 120_000);
});
