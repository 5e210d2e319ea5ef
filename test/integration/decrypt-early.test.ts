// A received application message is decrypted with the tab's copy of its group's state
// beside the read that says whether that copy is still the stored one
// (lib/client/messages/decrypt-early.ts). When another tab of the same profile moved the
// state on, that early result must be dropped: decrypting with the old copy would keep the
// key of a message already read (skipped over, so kept) and store it again, and a replay of
// that message would then open. Real node, real MLS, two tabs on one database.
import { describe, expect, it } from "vitest";
import { fromHex } from "../../lib/crypto";
import { processMessage } from "../../lib/mls";
import { loadGroup } from "../../lib/client/groups/state";
import { nodeSuite } from "../support/node-suite";
import { createClient, newWallet } from "../support/accounts";
import { ctxOf } from "../support/client-internals";

describe("decrypting before the read says the state is current", () => {
  const { url, clients } = nodeSuite();

  it("a tab whose copy another tab moved on reads the next message with the stored state", async () => {
    const bob = newWallet();
    const a = await createClient(newWallet(), url(), "early-decrypt-a");
    const b = await createClient(bob, url(), "early-decrypt-b");
    const b2 = await createClient(bob, url(), "early-decrypt-b"); // Bob's second tab
    clients.push(a, b, b2);
    const ab = await a.conversations.newDm(bob.address);
    await ab.send("hello");
    await b.conversations.sync(); // tab 1 holds the state in memory
    const ba = (await b.conversations.getById(ab.id))!;
    const ba2 = (await b2.conversations.getById(ab.id))!;

    await ab.send("one");
    await b2.conversations.syncGroup(ab.id); // tab 2 reads "one": the stored state moved on, tab 1's copy did not
    await ab.send("two");
    await b.conversations.syncGroup(ab.id); // tab 1 reads "two"

    const texts = (await ba.messages()).map((m) => m.content);
    expect(texts).toEqual(["hello", "one", "two"]);
    // The stored state is the one advanced from tab 2's: "one"'s key is gone for good.
    const ctx = ctxOf(b);
    const envelopes = await ctx.api.queryGroupMessages(fromHex(ab.id), { cursor: 0n });
    const one = envelopes.at(-2)!;
    const stored = (await loadGroup(ctx, ab.id))!;
    await expect(processMessage(stored, one.data, ctx.resolver.authenticate)).rejects.toThrow();

    // And both tabs go on reading.
    await ab.send("three");
    await b2.conversations.syncGroup(ab.id);
    expect((await ba2.messages()).map((m) => m.content)).toEqual(["hello", "one", "two", "three"]);
  }, 120_000);
});
