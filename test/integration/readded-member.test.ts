// A member removed and added back (issue 12's torture run: membership rounds). Whatever
// order it reads things in, it ends in the group at the group's epoch, reads what was sent
// after it came back, and nothing sent while it was out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client } from "../../lib/client";
import { applyGroupEnvelope } from "../../lib/client/messages/receive";
import { fromHex } from "../../lib/crypto";
import { createClient, newWallet } from "../support/accounts";
import { groupOf, texts } from "../support/groups";
import { ctxOf } from "../support/client-internals";

describe("a removed member added back", () => {
  let node: StartedNode;
  const clients: Client[] = [];
  const make = async (name: string) => {
    const c = await createClient(newWallet(), node.url, name);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    node = await startNode();
  }, 90_000);
  afterAll(async () => {
    for (const c of clients) await c.close();
    await node?.stop();
  });

  it("offlineThroughItsRemovalAndReaddJoinsAgainAndReadsOnlyWhatCameAfter", async () => {
    const a = await make("ra-alice");
    const b = await make("ra-bob");
    const g = await a.conversations.newGroup([b.inboxId], { name: "back again" });
    await groupOf(b, g.id);
    await g.send("before");
    // Bob is offline from here: he reads neither his removal nor his re-add as they happen.
    await g.removeMembers([b.inboxId]);
    await g.send("while bob was out");
    await g.addMembers([b.inboxId]);
    await g.send("after bob is back");

    const gb = await groupOf(b, g.id);
    expect(await gb.isActive()).toBe(true);
    expect(await gb.epoch()).toEqual(await g.epoch());
    expect(await texts(gb)).toEqual(["before", "after bob is back"]);
    await gb.send("bob again");
    await a.conversations.sync();
    expect(await texts(g)).toContain("bob again");
  }, 90_000);

  it("onlineThroughItsRemovalThenReaddedJoinsAgain", async () => {
    const a = await make("rb-alice");
    const b = await make("rb-bob");
    const g = await a.conversations.newGroup([b.inboxId], { name: "back again, online" });
    await groupOf(b, g.id);
    await g.removeMembers([b.inboxId]);
    await g.send("while bob was out");
    expect(await (await groupOf(b, g.id)).isActive()).toBe(false); // he read his removal
    await g.send("more while bob was out");
    await b.conversations.sync(); // ... and what came after it
    await g.addMembers([b.inboxId]);
    await g.send("after bob is back");
    // His stream brings the group's envelopes (the re-add commit among them) before the welcome.
    const ctx = ctxOf(b);
    for (const env of await ctx.api.queryGroupMessages(fromHex(g.id)))
      await applyGroupEnvelope(ctx, env);

    const gb = await groupOf(b, g.id);
    expect(await gb.isActive()).toBe(true);
    expect(await gb.epoch()).toEqual(await g.epoch());
    expect(await texts(gb)).toEqual(["after bob is back"]);
  }, 90_000);
});
