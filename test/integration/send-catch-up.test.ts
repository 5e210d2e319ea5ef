// Before a send, the commits waiting on the node are applied so the message is sealed in the
// epoch the group is in (messages/catch-up.ts). A member's application message in front of
// such a commit must not hold it back: the message would go out in the epoch the group left,
// and the member that commit added could not read it. Real node, real clients, real ts-mls.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client } from "../../lib/client";
import { createClient, newWallet } from "../support/accounts";
import { groupOf, texts } from "../support/groups";

describe("a send applies the commits waiting behind others' messages", () => {
  let node: StartedNode;
  let alice: Client, bob: Client, carol: Client;

  beforeAll(async () => {
    node = await startNode();
    alice = await createClient(newWallet(), node.url, "scu-alice");
    bob = await createClient(newWallet(), node.url, "scu-bob");
    carol = await createClient(newWallet(), node.url, "scu-carol");
  }, 120_000);

  afterAll(async () => {
    for (const c of [alice, bob, carol]) await c?.close();
    await node?.stop();
  });

  it("aMemberAddedAfterSomeonesMessageReadsTheNextSend", async () => {
    const g = await alice.conversations.newGroup([bob.inboxId], { name: "catch-up" });
    await g.send("first");
    const atBob = await groupOf(bob, g.id);
    await atBob.send("bob speaks"); // an application message Alice has not read yet...
    await atBob.addMembers([carol.inboxId]); // ...in front of the commit that adds Carol
    await g.send("for all three"); // no stream: only the catch-up before sealing applies it
    expect(await texts(await groupOf(carol, g.id))).toContain("for all three");
    expect(await texts(await groupOf(alice, g.id))).toEqual([
      "first",
      "bob speaks",
      "for all three",
    ]);
  }, 120_000);
});
