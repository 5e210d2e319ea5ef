// Two wallets, two clients, one real node process: the spine of the product.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client, DecodedMessage } from "../../lib/client";
import { createClient, newWallet, take, type TestWallet } from "../support/accounts";

describe("a DM between two wallets through our node", () => {
  let node: StartedNode;
  let alice: TestWallet;
  let bob: TestWallet;
  let a: Client;
  let b: Client;
  const startNs = BigInt(Date.now()) * 1_000_000n;

  beforeAll(async () => {
    node = await startNode();
    alice = newWallet();
    bob = newWallet();
    a = await createClient(alice, node.url, "alice");
    b = await createClient(bob, node.url, "bob");
  }, 120_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await node?.stop();
  });

  it("activates each inbox with exactly one wallet signature", () => {
    expect(alice.signatures()).toBe(1);
    expect(bob.signatures()).toBe(1);
    expect(a.inboxId).toMatch(/^[0-9a-f]{64}$/);
    expect(a.inboxId).not.toBe(b.inboxId);
  });

  it("knows who can be messaged", async () => {
    const stranger = newWallet();
    const can = await a.canMessage([bob.address, stranger.address]);
    expect(can.get(bob.address)).toBe(true);
    expect(can.get(stranger.address)).toBe(false);
  });

  it("delivers 20 messages to the peer's stream in order, with sender and node timestamps, and the reply back", async () => {
    const bStream = b.conversations.streamAllMessages();
    const dm = await a.conversations.newDm(bob.address);
    expect(dm.peerInboxId).toBe(b.inboxId);

    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const text = `message ${i} from alice`;
      sent.push(text);
      const m = await dm.send(text);
      expect(m.status).toBe("published");
    }

    const received: DecodedMessage[] = await take(bStream, 20);
    await bStream.return?.();
    expect(received.map((m) => m.content)).toEqual(sent);
    for (const m of received) {
      expect(m.senderInboxId).toBe(a.inboxId);
      expect(m.contentType).toBe("xmtp.org/text:1.0");
      expect(m.sentAtNs).toBeGreaterThanOrEqual(startNs);
      expect(m.sentAtNs).toBeLessThanOrEqual(BigInt(Date.now()) * 1_000_000n);
    }
    const times = received.map((m) => m.sentAtNs);
    expect([...times].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(times);

    const [bConv, ...others] = await b.conversations.list();
    expect(others).toEqual([]);
    expect(bConv!.id).toBe(dm.id);
    expect(bConv!.peerInboxId).toBe(a.inboxId);
    expect(bConv!.peerAddress).toBe(alice.address);
    // Opening "the DM with that address" again never makes a second group, on either side.
    expect((await a.conversations.newDm(bob.address)).id).toBe(dm.id);
    expect((await b.conversations.newDm(alice.address)).id).toBe(dm.id);

    const aStream = a.conversations.streamAllMessages();
    await bConv!.send("hi alice, bob here");
    const fromBob = (await take(aStream, 21)).filter((m) => m.senderInboxId === b.inboxId);
    await aStream.return?.();
    expect(fromBob.map((m) => m.content)).toEqual(["hi alice, bob here"]);
  });

  it("restarted clients read the whole history from their databases with no new signature", async () => {
    const aInstallation = a.installationId;
    await a.close();
    await b.close();
    a = await createClient(alice, node.url, "alice");
    b = await createClient(bob, node.url, "bob");
    expect(alice.signatures()).toBe(1);
    expect(bob.signatures()).toBe(1);
    expect(a.installationId).toBe(aInstallation);

    for (const client of [a, b]) {
      const [conv] = await client.conversations.list();
      const history = await conv!.messages();
      expect(history).toHaveLength(21);
      expect(history.at(-1)!.content).toBe("hi alice, bob here");
      expect(history.every((m) => m.status === "published")).toBe(true);
    }
  });

  it("keeps the conversation working after the restart", async () => {
    const [aConv] = await a.conversations.list();
    const bStream = b.conversations.streamAllMessages();
    await aConv!.send("still here after a restart");
    const fromAlice: DecodedMessage[] = [];
    while (fromAlice.length === 0) {
      const [m] = await take(bStream, 1);
      if (m!.senderInboxId === a.inboxId) fromAlice.push(m!);
    }
    await bStream.return?.();
    expect(fromAlice[0]!.content).toBe("still here after a restart");
  });
});
