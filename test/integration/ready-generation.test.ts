// A send under a ratchet generation taken while the person typed (lib/client/groups/ready.ts):
// the state past that generation is stored before Enter, so the ciphertext leaves before the
// message's own write and that write goes beside the request. What a person and a peer rely
// on: the message is delivered once and stored as sent; the next send is ready in the same
// write; and a tab that died between publishing and storing still finds its message after a
// reload (the stored state reads it back from the node). The two waits a send can still meet
// (the group's lock busy with an arrival, the members' devices due a check) do not take the
// ready generation away. Real node, real MLS.
import { IDBDatabase } from "fake-indexeddb";
import { afterAll, describe, expect, it } from "vitest";
import { encodeEncodedContent, encodePlaintextEnvelope, ContentTypeText } from "../../lib/content";
import { encryptWithReady, ownUnusedGenerations, type GroupHandle } from "../../lib/mls";
import { installationsCheckDue } from "../../lib/client/groups/installations";
import { takeReady } from "../../lib/client/groups/ready";
import { cachedGroup, loadGroup, withGroupLock } from "../../lib/client/groups/state";
import { nodeSuite } from "../support/node-suite";
import { createClient, newWallet, take } from "../support/accounts";
import { ctxOf, until } from "../support/client-internals";
import type { Client } from "../../lib/client";

/** Readwrite transactions on the message rows, per database, while counting. */
const writes: string[] = [];
const transaction = IDBDatabase.prototype.transaction;
IDBDatabase.prototype.transaction = function (
  this: IDBDatabase,
  ...args: Parameters<typeof transaction>
) {
  const [stores, mode] = args;
  const names = typeof stores === "string" ? [stores] : [...stores];
  if (mode === "readwrite" && names.includes("messages")) writes.push(this.name);
  return transaction.apply(this, args);
} as typeof transaction;

/** This member's own unused application generations in the stored state. */
const ownUnused = (group: GroupHandle): number[] =>
  Object.keys(ownUnusedGenerations(group)).map(Number);

async function live(c: Client): Promise<void> {
  await until("the stream is live", () => Promise.resolve(c.connection === "live"));
}

describe("a send under a generation taken while typing", () => {
  const { url, clients, stops } = nodeSuite();
  afterAll(() => {
    IDBDatabase.prototype.transaction = transaction;
  });

  async function dm(prefix: string) {
    const alice = newWallet();
    const bob = newWallet();
    const a = await createClient(alice, url(), `${prefix}-a`);
    const b = await createClient(bob, url(), `${prefix}-b`);
    clients.push(a, b);
    const ab = await a.conversations.newDm(bob.address);
    await ab.send("hello");
    await b.conversations.sync();
    stops.push(a.startSync());
    await live(a);
    const ctx = ctxOf(a);
    const typed = async () => {
      a.conversations.prepareToSend(ab.id);
      await until("a generation is taken", async () => {
        const stored = await loadGroup(ctx, ab.id);
        return !!stored && ownUnused(stored).length === 1;
      });
    };
    return { alice, a, b, ab, ctx, typed };
  }

  it("leaves before its write, is delivered once and stored as sent; the next is taken with it", async () => {
    const { b, ab, ctx, typed } = await dm("ready-send");
    const bStream = b.conversations.streamAllMessages();
    await typed();
    const before = ownUnused((await loadGroup(ctx, ab.id))!);

    writes.length = 0;
    let writesAtPublish: number | undefined;
    ctx.testHooks = {
      sendStep: (step) => {
        if (step === "before_publish")
          writesAtPublish = writes.filter((n) => n === "ready-send-a").length;
      },
    };
    await ab.send("out before stored");
    ctx.testHooks = undefined;
    expect(writesAtPublish).toBe(0); // the request left before any write of the message

    const got = await take(bStream, 1);
    await bStream.return?.();
    expect(got.map((m) => m.content)).toEqual(["out before stored"]);
    const mine = (await ab.messages()).filter((m) => m.content === "out before stored");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: "published" });
    // The used generation's secret is gone from the stored state; the next one is there.
    const after = ownUnused((await loadGroup(ctx, ab.id))!);
    expect(after).toHaveLength(1);
    expect(after[0]).toBe(before[0]! + 1);

    // And the next message goes the same way, read by the peer in order.
    const bStream2 = b.conversations.streamAllMessages();
    await ab.send("and the next");
    expect((await take(bStream2, 1)).map((m) => m.content)).toEqual(["and the next"]);
    await bStream2.return?.();
  }, 120_000);

  it("a send that finds the lock busy is stored first, then leaves under the ready generation", async () => {
    const { b, ab, ctx, typed } = await dm("ready-busy");
    const bStream = b.conversations.streamAllMessages();
    await typed();
    const before = ownUnused((await loadGroup(ctx, ab.id))!);

    // The tab is busy with the group (as when the peer's read receipt is being applied).
    let release: (() => void) | undefined;
    const busy = withGroupLock(ctx, ab.id, () => new Promise<void>((ok) => (release = ok)));
    await until("the lock is held", () => Promise.resolve(release !== undefined));
    let published = false;
    ctx.testHooks = { sendStep: (step) => void (step === "before_publish" && (published = true)) };
    const sending = ab.send("past a busy lock");
    // What was typed is stored while the lock is busy; nothing has left yet.
    await until("the message is stored", async () =>
      (await ab.messages()).some((m) => m.content === "past a busy lock"),
    );
    expect(published).toBe(false);
    release!();
    await busy;
    await sending;
    ctx.testHooks = undefined;

    // It went under the generation taken while typing (forgotten now), and the next is taken.
    expect(ownUnused((await loadGroup(ctx, ab.id))!)).toEqual([before[0]! + 1]);
    expect((await take(bStream, 1)).map((m) => m.content)).toEqual(["past a busy lock"]);
    await bStream.return?.();
    const mine = (await ab.messages()).filter((m) => m.content === "past a busy lock");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: "published" });
  }, 120_000);

  it("typing checks the members' devices, so the send asks the node nothing first", async () => {
    const { a, b, ab } = await dm("ready-devices");
    // b has never sent in this DM: a send of b's would check the members' devices first.
    stops.push(b.startSync());
    await live(b);
    const ctxB = ctxOf(b);
    const ba = (await b.conversations.getById(ab.id))!;
    expect(installationsCheckDue(ctxB, ab.id)).toBe(true);
    let identityQueries = 0;
    const query = ctxB.api.getIdentityUpdates.bind(ctxB.api);
    ctxB.api.getIdentityUpdates = (...args) => (identityQueries++, query(...args));

    b.conversations.prepareToSend(ab.id);
    await until("typing took a generation and checked the devices", async () => {
      const stored = await loadGroup(ctxB, ab.id);
      return !!stored && ownUnused(stored).length === 1 && !installationsCheckDue(ctxB, ab.id);
    });
    expect(identityQueries).toBeGreaterThan(0);

    identityQueries = 0;
    writes.length = 0;
    let atPublish: { queries: number; writes: number } | undefined;
    ctxB.testHooks = {
      sendStep: (step) => {
        if (step === "before_publish")
          atPublish = {
            queries: identityQueries,
            writes: writes.filter((n) => n === "ready-devices-b").length,
          };
      },
    };
    const aStream = a.conversations.streamAllMessages();
    await ba.send("checked while typing");
    ctxB.testHooks = undefined;
    expect(atPublish).toEqual({ queries: 0, writes: 0 }); // straight out, nothing asked first
    expect((await take(aStream, 1)).map((m) => m.content)).toEqual(["checked while typing"]);
    await aStream.return?.();
  }, 120_000);

  it("typing while the node cannot answer asks it for the devices at most once per 2 s", async () => {
    const { b, ab } = await dm("ready-offline");
    const ctxB = ctxOf(b);
    expect(installationsCheckDue(ctxB, ab.id)).toBe(true);
    let asked = 0;
    ctxB.api.getIdentityUpdates = () => {
      asked++;
      return Promise.reject(new Error("the node is unreachable"));
    };
    for (let key = 0; key < 8; key++) {
      b.conversations.prepareToSend(ab.id);
      await new Promise((r) => setTimeout(r, 50)); // each try has failed before the next key
    }
    expect(asked).toBe(1);
    expect(installationsCheckDue(ctxB, ab.id)).toBe(true); // the send still checks
  }, 120_000);

  it("a tab that died between publishing and storing finds its message after a reload", async () => {
    const { alice, a, b, ab, ctx, typed } = await dm("ready-died");
    await typed();
    // The send as far as the request: encrypted under the ready generation and published,
    // then the tab is gone before its write.
    const sentAtNs = BigInt(Date.now()) * 1_000_000n;
    const content = encodeEncodedContent(
      ctx.codecs.encode(ContentTypeText, "sent as the tab died"),
    );
    const group = cachedGroup(ctx, ab.id)!.group;
    const ready = takeReady(ctx, ab.id, group)!;
    expect(ready).toBeDefined();
    const wire = await encryptWithReady(
      group,
      ready,
      encodePlaintextEnvelope(content, sentAtNs.toString()),
    );
    await ctx.api.sendGroupMessages([{ data: wire, shouldPush: true }]);
    await a.close();

    const reloaded = await createClient(alice, url(), "ready-died-a");
    clients.push(reloaded);
    await reloaded.conversations.syncGroup(ab.id);
    const ab2 = (await reloaded.conversations.getById(ab.id))!;
    const mine = (await ab2.messages()).filter((m) => m.content === "sent as the tab died");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: "published", senderInboxId: reloaded.inboxId });
    // Read back, its secret is gone from the stored state.
    expect(ownUnused((await loadGroup(ctxOf(reloaded), ab.id))!)).toEqual([]);

    // The peer has it once, and the reloaded tab goes on sending.
    await ab2.send("after the reload");
    await b.conversations.syncGroup(ab.id);
    const ba = (await b.conversations.getById(ab.id))!;
    expect((await ba.messages()).map((m) => m.content)).toEqual([
      "hello",
      "sent as the tab died",
      "after the reload",
    ]);
  }, 120_000);
});
