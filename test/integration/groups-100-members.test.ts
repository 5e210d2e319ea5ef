// A 100-inbox group through a real node: create, add, remove, send. Every member is a
// real Client (registered with a wallet signature, key package on the node); three of
// them are checked end to end, the rest only need to exist.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client, Group } from "../../lib/client";
import { createClient, newWallet } from "../support/accounts";

const texts = async (g: Group) =>
  (await g.messages()).filter((m) => m.contentType === "xmtp.org/text:1.0").map((m) => m.content);

describe("a 100-member group", () => {
  let node: StartedNode;
  const clients: Client[] = [];
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    node = await startNode();
    const t = performance.now();
    for (let batch = 0; batch < 10; batch++) {
      const made = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          createClient(newWallet(), node.url, `hundred-${batch * 10 + i}`),
        ),
      );
      clients.push(...made);
    }
    timings.register100 = performance.now() - t;
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.close();
    await node?.stop();
    console.log("100-member group timings (ms)", JSON.stringify(timings));
  });

  it("creates with 99 others, adds the 100th, removes one, and every remaining member reads the message", async () => {
    const [owner, ...rest] = clients;
    const joinedLater = rest.pop()!;
    const removed = rest[5]!;
    const kept = rest[60]!;
    let t = performance.now();
    const group = await owner!.conversations.newGroup(
      rest.map((c) => c.inboxId),
      { name: "hundred" },
    );
    timings.create99 = performance.now() - t;
    expect((await group.members()).length).toBe(99);

    t = performance.now();
    await group.addMembers([joinedLater.address]);
    timings.add1 = performance.now() - t;
    expect((await group.members()).length).toBe(100);

    t = performance.now();
    await group.removeMembers([removed.inboxId]);
    timings.remove1 = performance.now() - t;
    expect((await group.members()).map((m) => m.inboxId)).not.toContain(removed.inboxId);

    t = performance.now();
    await group.send("hello, 99 of you");
    timings.send = performance.now() - t;

    t = performance.now();
    for (const c of [kept, joinedLater, removed]) await c.conversations.sync();
    timings.sync3 = performance.now() - t;
    const gKept = (await kept.conversations.getGroup(group.id))!;
    const gNew = (await joinedLater.conversations.getGroup(group.id))!;
    const gGone = (await removed.conversations.getGroup(group.id))!;
    expect(await texts(gKept)).toEqual(["hello, 99 of you"]);
    expect(await texts(gNew)).toEqual(["hello, 99 of you"]);
    expect(await texts(gGone)).toEqual([]);
    expect(await gGone.isActive()).toBe(false);
    const [e1, e2, e0] = await Promise.all([gKept.epoch(), gNew.epoch(), group.epoch()]);
    expect(e1).toEqual(e0);
    expect(e2).toEqual(e0);
    expect((await gKept.members()).length).toBe(99);
  }, 120_000);
});
