// One wallet, several browsers: a second installation joins the inbox with one signature
// and is added to existing conversations by the others' clients; revoking it takes it
// out of every group; at the 10-installation limit a wallet signature alone frees a slot.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { startNode, type StartedNode } from "../../server/test/harness";
import {
  Client,
  installationsForAddress,
  revokeWithWallet,
  type Conversation,
} from "../../lib/client";
import { SEND_CHECK_INTERVAL_MS } from "../../lib/client/groups/installations";
import { createClient, newWallet, type TestWallet } from "../support/accounts";

const texts = async (c: Conversation | undefined) =>
  c
    ? (await c.messages())
        .filter((m) => m.contentType === "xmtp.org/text:1.0")
        .map((m) => m.content)
    : [];

describe("several installations of one inbox", () => {
  let node: StartedNode;
  let alice: TestWallet;
  let a1: Client, a2: Client, b: Client, c: Client;
  let dm: Conversation, group: Conversation;

  beforeAll(async () => {
    node = await startNode();
    alice = newWallet();
    const bob = newWallet();
    const carol = newWallet();
    a1 = await createClient(alice, node.url, "inst-a1");
    b = await createClient(bob, node.url, "inst-b");
    c = await createClient(carol, node.url, "inst-c");
    // Made while Alice has one installation: they hold a1 only.
    dm = await b.conversations.newDm(alice.address);
    await dm.send("before a2 was added");
    group = await c.conversations.newGroup([a1.inboxId, b.inboxId], { name: "trip" });
    await a1.conversations.sync();
  }, 120_000);

  afterAll(async () => {
    for (const x of [a1, a2, b, c]) await x?.close();
    await node?.stop();
  });

  it("a second browser of the same wallet becomes a second installation of the same inbox, with one signature", async () => {
    const before = alice.signatures();
    a2 = await createClient(alice, node.url, "inst-a2");
    expect(alice.signatures() - before).toBe(1);
    expect(a2.inboxId).toBe(a1.inboxId);
    expect(a2.installationId).not.toBe(a1.installationId);
    const list = await a1.installations();
    expect(list.map((i) => i.id).sort()).toEqual([a1.installationId, a2.installationId].sort());
    expect(list.find((i) => i.current)?.id).toBe(a1.installationId);
    expect(list.every((i) => typeof i.createdAtNs === "bigint")).toBe(true);
  });

  it("existing conversations take the new installation in when someone next sends; it reads from then on", async () => {
    // The senders' clients add a2: they re-check the identity logs before sending when their
    // last check is older than SEND_CHECK_INTERVAL_MS (5 s, as libxmtp): bob checked at his
    // first send, so this waits that long, as a person's next message usually does.
    await new Promise((r) => setTimeout(r, SEND_CHECK_INTERVAL_MS));
    await dm.send("hello both alices");
    await group.send("group hello");
    await a2.conversations.sync();
    const a2Dm = await a2.conversations.getById(dm.id);
    const a2Group = await a2.conversations.getById(group.id);
    expect(await texts(a2Dm)).toEqual(["hello both alices"]);
    expect(await texts(a2Group)).toEqual(["group hello"]);
    // a1 still reads everything, and a2 can write to both.
    await a2Dm!.send("from a2");
    await b.conversations.sync();
    expect(await texts(await b.conversations.getById(dm.id))).toContain("from a2");
    await a1.conversations.sync();
    expect(await texts(await a1.conversations.getById(dm.id))).toEqual([
      "before a2 was added",
      "hello both alices",
      "from a2",
    ]);
  }, 60_000);

  it("revoking an installation removes it from every group: it reads nothing after, and knows it was revoked", async () => {
    const [dmId, groupId] = [dm.id, group.id];
    await a2.revokeInstallations(alice.signer, [a1.installationId]);
    expect(await a1.isRevoked()).toBe(true);
    expect(await a2.isRevoked()).toBe(false);
    expect((await a2.installations()).map((i) => i.id)).toEqual([a2.installationId]);

    await (await b.conversations.getById(dmId))!.send("after a1 was revoked");
    await (await c.conversations.getById(groupId))!.send("group after revoke");
    for (const x of [a1, a2]) await x.conversations.sync();
    expect(await texts(await a2.conversations.getById(dmId))).toContain("after a1 was revoked");
    expect(await texts(await a2.conversations.getById(groupId))).toContain("group after revoke");
    expect(await texts(await a1.conversations.getById(dmId))).not.toContain("after a1 was revoked");
    expect(await texts(await a1.conversations.getById(groupId))).not.toContain(
      "group after revoke",
    );
    expect(await (await a1.conversations.getGroup(groupId))!.isActive()).toBe(false);
    // The revoked device cannot post into the group any more.
    await expect((await a1.conversations.getById(groupId))!.send("ghost")).rejects.toThrow();
    await expect(a2.revokeInstallations(alice.signer, [a2.installationId])).rejects.toMatchObject({
      code: "invalid_argument",
    });
  }, 60_000);

  it("at the 10-installation limit a new browser is told before any signature, and a wallet signature alone frees a slot", async () => {
    const dave = newWallet();
    const made: Client[] = [];
    for (let i = 0; i < 10; i++) made.push(await createClient(dave, node.url, `dave-${i}`));
    const signaturesAtTen = dave.signatures();
    await expect(createClient(dave, node.url, "dave-11")).rejects.toMatchObject({
      code: "installation_limit",
    });
    expect(dave.signatures()).toBe(signaturesAtTen); // no signature wasted
    const found = await installationsForAddress(dave.address, { apiUrl: node.url });
    expect(found?.installations).toHaveLength(10);
    expect(found?.limit).toBe(10);
    const oldest = found!.installations.at(-1)!.id;
    await revokeWithWallet(dave.signer, [oldest], { apiUrl: node.url });
    const eleventh = await Client.create(dave.signer, {
      apiUrl: node.url,
      dbName: "dave-11",
      indexedDB,
      IDBKeyRange,
    });
    expect((await eleventh.installations()).map((i) => i.id)).not.toContain(oldest);
    for (const x of [...made, eleventh]) await x.close();
  }, 120_000);
});
