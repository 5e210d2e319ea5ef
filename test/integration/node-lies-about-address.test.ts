// A node (or anyone on the path to a plain-http node) that lies about who owns an
// address: a real node process behind a proxy that rewrites only GetInboxIds answers.
// The client must fold the named inbox's identity log itself and refuse a mismatch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { NodeClient } from "../../lib/api";
import { IdentityUpdateBuilder } from "../../lib/identity";
import type { Client } from "../../lib/client";
import { createClient, newWallet, type TestWallet } from "../support/accounts";
import { startLyingNode, type LyingNode } from "../support/lying-node";

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

describe("a node that lies about who owns an address", () => {
  let node: StartedNode;
  let proxy: LyingNode;
  let alice: TestWallet;
  let bob: TestWallet;
  let mallory: TestWallet;
  let carol: TestWallet;
  let carolSecond: TestWallet;
  let a: Client; // talks to the node through the lying proxy
  let b: Client;
  let m: Client;
  let c: Client;

  beforeAll(async () => {
    node = await startNode();
    proxy = await startLyingNode(node.url);
    [alice, bob, mallory, carol, carolSecond] = [1, 2, 3, 4, 5].map(() => newWallet()) as [
      TestWallet,
      TestWallet,
      TestWallet,
      TestWallet,
      TestWallet,
    ];
    a = await createClient(alice, proxy.url, "alice");
    b = await createClient(bob, node.url, "bob");
    m = await createClient(mallory, node.url, "mallory");
    c = await createClient(carol, node.url, "carol");
  }, 120_000);

  afterAll(async () => {
    for (const x of [a, b, m, c]) await x?.close();
    await proxy?.close();
    await node?.stop();
  });

  it("lyingNodeCannotSwapDmPeer: a DM to the victim's address is refused, the attacker gets nothing", async () => {
    proxy.lies.set(bob.address, m.inboxId);
    try {
      await expect(a.conversations.newDm(bob.address)).rejects.toMatchObject({
        name: "ClientError",
        code: "node_inconsistent",
      });
      expect(proxy.rewritten()).toBeGreaterThan(0);
      expect(await a.conversations.list()).toEqual([]);
      await m.conversations.sync();
      expect(await m.conversations.list()).toEqual([]);
    } finally {
      proxy.lies.clear();
    }
  });

  it("lyingNodeCannotSwapGroupMember: a group with the victim's address is refused", async () => {
    proxy.lies.set(bob.address, m.inboxId);
    try {
      await expect(a.conversations.newGroup([bob.address])).rejects.toMatchObject({
        code: "node_inconsistent",
      });
      await m.conversations.sync();
      expect(await m.conversations.list()).toEqual([]);
    } finally {
      proxy.lies.clear();
    }
  });

  it("lyingNodeCannotVouchForAnAddress: canMessage refuses the forged answer", async () => {
    const stranger = newWallet(); // no inbox at all: the lie is the only answer
    proxy.lies.set(bob.address, m.inboxId);
    proxy.lies.set(stranger.address, m.inboxId);
    try {
      await expect(a.canMessage([bob.address])).rejects.toMatchObject({
        code: "node_inconsistent",
      });
      await expect(a.canMessage([stranger.address])).rejects.toMatchObject({
        code: "node_inconsistent",
        message: expect.stringContaining(stranger.address),
      });
    } finally {
      proxy.lies.clear();
    }
  });

  it("unlinkedAddressIsNotUsedForItsFormerInbox: a stale or lying answer naming the old inbox is refused", async () => {
    const api = new NodeClient(node.url);
    // Carol links a second wallet to her inbox (both wallets sign)...
    const link = new IdentityUpdateBuilder(c.inboxId, nowNs()).addWallet(
      carolSecond.address,
      carol.address,
    );
    const text = link.signatureText();
    link.addWalletSignature(carolSecond.address, await carolSecond.signer.signMessage(text));
    link.addWalletSignature(carol.address, await carol.signer.signMessage(text));
    await api.publishIdentityUpdate(link.build());
    // ...and the honest answer for it, folded locally, is accepted.
    expect((await a.canMessage([carolSecond.address])).get(carolSecond.address)).toBe(true);

    // Then unlinks it with the recovery wallet.
    const unlink = new IdentityUpdateBuilder(c.inboxId, nowNs()).revokeWallet(
      carolSecond.address,
      carol.address,
    );
    unlink.addWalletSignature(
      carol.address,
      await carol.signer.signMessage(unlink.signatureText()),
    );
    await api.publishIdentityUpdate(unlink.build());

    proxy.lies.set(carolSecond.address, c.inboxId);
    try {
      await expect(a.conversations.newDm(carolSecond.address)).rejects.toMatchObject({
        code: "node_inconsistent",
      });
      await expect(a.canMessage([carolSecond.address])).rejects.toMatchObject({
        code: "node_inconsistent",
      });
    } finally {
      proxy.lies.clear();
    }
  });

  it("honestAnswerOpensTheDm: the peer address shown is the one the verified log holds", async () => {
    expect((await a.canMessage([bob.address])).get(bob.address)).toBe(true);
    const dm = await a.conversations.newDm(bob.address);
    expect(dm.peerInboxId).toBe(b.inboxId);
    expect(dm.peerAddress).toBe(bob.address);
    await b.conversations.sync();
    const [seen] = await b.conversations.list();
    expect(seen?.peerInboxId).toBe(a.inboxId);
    expect(seen?.peerAddress).toBe(alice.address);
  });
});
