// Invite links (issue 17 item 4) with a real node and real clients: an admin makes a link,
// someone opens it and asks in a DM, the admin's own client checks the link and adds them,
// and they see the group. Revoked, expired and used-up links, a link made by a member who
// is not an admin, a forged one and a blocked sender are refused (or ignored) and nobody
// is added. Revocation and uses reach the admin's other device through the SYNC group.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client, Group } from "../../lib/client";
import { ContentTypeJoinRequest as JoinRequestType } from "../../lib/content";
import { signInvite } from "../../lib/client/invites/token";
import { newWallet, type TestWallet } from "../support/accounts";
import { ctxOf, loggedClients } from "../support/client-internals";

describe("invite links", () => {
  let node: StartedNode;
  const { make, logs, closeAll } = loggedClients(() => node.url);
  let alice: TestWallet, bob: TestWallet;
  let a1: Client, a2: Client, b: Client;
  let group: Group;
  const all: Client[] = [];

  /** Syncs every client until `check` holds (no streams here). */
  async function until(what: string, check: () => Promise<boolean>, ms = 30_000) {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      for (const c of all) await c.conversations.sync().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const memberIds = async () => {
    await a1.conversations.sync();
    return (await group.members()).map((m) => m.inboxId);
  };
  const joiner = async (name: string) => {
    const c = await make(newWallet(), name);
    all.push(c);
    return c;
  };

  beforeAll(async () => {
    node = await startNode();
    alice = newWallet();
    bob = newWallet();
    a1 = await make(alice, "inv-a1");
    a2 = await make(alice, "inv-a2");
    b = await make(bob, "inv-b");
    all.push(a1, a2, b);
    await a1.deviceSync.ensureGroup();
    group = await a1.conversations.newGroup([bob.address], { name: "Trip" });
    await until("a2 is in the group and the SYNC group", async () =>
      Boolean(await a2.conversations.getGroup(group.id)),
    );
  }, 120_000);

  afterAll(async () => {
    await closeAll();
    await node?.stop();
  });

  it("an admin's link brings the person in; the use is counted on both of the admin's devices", async () => {
    const link = await a1.invites.create(group.id, { maxUses: 1, includeName: true });
    expect(link).toMatchObject({ uses: 0, maxUses: 1, active: true, revoked: false });
    const carol = await joiner("inv-carol");
    const preview = await carol.invites.inspect(`http://app/invite#${link.token}`);
    expect(preview).toMatchObject({
      groupId: group.id,
      inviterInboxId: a1.inboxId,
      inviterAddress: alice.address,
      groupName: "Trip",
      alreadyMember: false,
    });
    await carol.invites.requestToJoin(`http://app/invite#${link.token}`);
    expect(await carol.invites.status(link.inviteId)).toEqual({ state: "waiting" });

    await until(
      "carol is in the group",
      async () => (await carol.invites.status(link.inviteId)).state === "joined",
    );
    expect(await memberIds()).toContain(carol.inboxId);
    const cg = (await carol.conversations.getGroup(group.id))!;
    // She asked for it: the group is not a request.
    expect(cg.summary()).toMatchObject({ consent: "allowed", name: "Trip" });
    await until(
      "both of alice's devices count the use",
      async () =>
        (await a1.invites.list(group.id))[0]?.uses === 1 &&
        (await a2.invites.list(group.id))[0]?.uses === 1,
    );
    expect((await a2.invites.list(group.id))[0]).toMatchObject({ active: false, uses: 1 });

    // Used up: the next person is refused and sees why.
    const dave = await joiner("inv-dave");
    await dave.invites.requestToJoin(link.token);
    await until(
      "dave is refused",
      async () => (await dave.invites.status(link.inviteId)).state === "refused",
    );
    expect(await dave.invites.status(link.inviteId)).toMatchObject({
      reason: "used_up",
      message: "This invite has been used as many times as it allows.",
    });
    expect(await memberIds()).not.toContain(dave.inboxId);
  }, 120_000);

  it("a revoked link is refused, also by the admin's other device", async () => {
    const link = await a1.invites.create(group.id);
    await a1.invites.revoke(link.inviteId);
    await until("a2 knows it is revoked", async () =>
      Boolean((await a2.invites.list(group.id)).find((l) => l.inviteId === link.inviteId)?.revoked),
    );
    const erin = await joiner("inv-erin");
    await erin.invites.requestToJoin(link.token);
    await until(
      "erin is refused",
      async () => (await erin.invites.status(link.inviteId)).state === "refused",
    );
    expect(await erin.invites.status(link.inviteId)).toMatchObject({
      reason: "revoked",
      message: "This invite was revoked by the person who made it.",
    });
    expect(await memberIds()).not.toContain(erin.inboxId);
  }, 120_000);

  it("an expired link is refused by the joiner's app and, asked anyway, by the admin's", async () => {
    const link = await a1.invites.create(group.id, { expiresInMs: 1500 });
    const frank = await joiner("inv-frank");
    await new Promise((r) => setTimeout(r, 1600));
    await expect(frank.invites.inspect(link.token)).rejects.toMatchObject({
      code: "invite_expired",
      message: "This invite has expired: ask for a new link",
    });
    // A client that skips its own check: the admin's device judges by the node's time.
    const dm = await frank.conversations.newDm(alice.address);
    await ctxOf(frank).db.identity.update("self", {
      joins: {
        [link.inviteId]: {
          token: link.token,
          inviteId: link.inviteId,
          groupId: group.id,
          inviterInboxId: a1.inboxId,
          requestedAtNs: "0",
        },
      },
    });
    await dm.send({ invite: link.token }, JoinRequestType);
    await until(
      "frank is refused",
      async () => (await frank.invites.status(link.inviteId)).state === "refused",
    );
    expect(await frank.invites.status(link.inviteId)).toMatchObject({ reason: "expired" });
    expect(await memberIds()).not.toContain(frank.inboxId);
  }, 120_000);

  it("a member who is not an admin cannot make a link, and one signed anyway is refused", async () => {
    const bg = (await b.conversations.getGroup(group.id))!;
    await expect(b.invites.create(bg.id)).rejects.toMatchObject({
      code: "not_allowed",
      message: expect.stringContaining("only the group's admins"),
    });
    // Bob's device signs a token itself; his client keeps no record of it, so it is not his
    // to honour, and even with one he is not an admin.
    const { token, invite } = signInvite(ctxOf(b).installation, {
      groupId: group.id,
      expiresAt: new Date(Date.now() + 3600_000),
    });
    await ctxOf(b).db.identity.update("self", {
      invites: {
        [invite.inviteId]: {
          token,
          inviteId: invite.inviteId,
          groupId: group.id,
          createdAtNs: "0",
          expiresAtNs: (BigInt(invite.expiresAt.getTime()) * 1_000_000n)
            .toString()
            .padStart(20, "0"),
          maxUses: 0,
          usedBy: {},
        },
      },
    });
    const gina = await joiner("inv-gina");
    await gina.invites.requestToJoin(token);
    await until(
      "gina is refused",
      async () => (await gina.invites.status(invite.inviteId)).state === "refused",
    );
    expect(await gina.invites.status(invite.inviteId)).toMatchObject({ reason: "no_longer_valid" });
    expect(await memberIds()).not.toContain(gina.inboxId);
  }, 120_000);

  it("a forged link is refused by the joiner's app and by the admin's", async () => {
    const a = ctxOf(a1).installation;
    const bobKey = ctxOf(b).installation.privateKey;
    const terms = { groupId: group.id, expiresAt: new Date(Date.now() + 3600_000) };
    // Alice's inbox and device named, Bob's key signing.
    const forged = signInvite({ ...a, privateKey: bobKey }, terms);
    // Alice's inbox named, Bob's device signing (a valid signature by a device not hers).
    const foreign = signInvite({ ...ctxOf(b).installation, inboxId: a.inboxId }, terms);
    const hank = await joiner("inv-hank");
    await expect(hank.invites.inspect(forged.token)).rejects.toMatchObject({
      code: "invalid_invite",
      message: expect.stringContaining("signature does not match"),
    });
    await expect(hank.invites.inspect(foreign.token)).rejects.toMatchObject({
      code: "invalid_invite",
      message: expect.stringContaining("not (or no longer) one of its maker's"),
    });
    // Sent anyway: Alice's devices check the signing device themselves.
    const dm = await hank.conversations.newDm(alice.address);
    await ctxOf(hank).db.identity.update("self", {
      joins: {
        [foreign.invite.inviteId]: {
          token: foreign.token,
          inviteId: foreign.invite.inviteId,
          groupId: group.id,
          inviterInboxId: a1.inboxId,
          requestedAtNs: "0",
        },
      },
    });
    await dm.send({ invite: foreign.token }, JoinRequestType);
    await until(
      "hank is refused",
      async () => (await hank.invites.status(foreign.invite.inviteId)).state === "refused",
    );
    expect(await hank.invites.status(foreign.invite.inviteId)).toMatchObject({ reason: "invalid" });
    expect(await memberIds()).not.toContain(hank.inboxId);
  }, 120_000);

  it("a request posted in a group instead of a DM is ignored (the answer would be public)", async () => {
    const link = await a1.invites.create(group.id);
    const bg = (await b.conversations.getGroup(group.id))!;
    await bg.send({ invite: link.token }, JoinRequestType);
    await until("alice's device ignored it", async () =>
      logs["inv-a1"]!.some(
        (l) => l.event === "join_request_ignored" && l.detail.why === "not_in_a_dm",
      ),
    );
    expect((await a1.invites.list(group.id)).find((l) => l.inviteId === link.inviteId)?.uses).toBe(
      0,
    );
    expect(
      logs["inv-a1"]!.filter(
        (l) => l.event === "join_request_refused" && l.detail.from === b.inboxId,
      ),
    ).toEqual([]);
  }, 60_000);

  it("a blocked person's request is ignored: no answer, nobody added", async () => {
    const link = await a1.invites.create(group.id);
    const ivan = await joiner("inv-ivan");
    await a1.preferences.setConsentStates([
      { entity: { kind: "inbox", inboxId: ivan.inboxId }, state: "denied" },
    ]);
    await until("a2 has the block", async () =>
      (await a2.preferences.deniedInboxes()).some((d) => d.inboxId === ivan.inboxId),
    );
    await ivan.invites.requestToJoin(link.token);
    await until("both of alice's devices ignored it", async () =>
      ["inv-a1", "inv-a2"].every((n) =>
        logs[n]!.some((l) => l.event === "join_request_ignored" && l.detail.from === ivan.inboxId),
      ),
    );
    for (const c of all) await c.conversations.sync();
    expect(await ivan.invites.status(link.inviteId)).toEqual({ state: "waiting" });
    expect(await memberIds()).not.toContain(ivan.inboxId);
  }, 120_000);
});
