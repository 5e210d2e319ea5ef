// Invite links answered by any of the group's admins (issue 17 item 4), with a real node and
// real clients: the link names the admins, the joiner asks each of them, and the first
// claim in the group's order answers. Two admins online add once; at the last use one of
// two concurrent joiners gets in and the other is refused; a member who is not an admin
// cannot revoke a link; with the inviter's devices closed, the other admin adds the person
// and refuses a link the inviter revoked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client, Group } from "../../lib/client";
import { ContentTypeInviteControl } from "../../lib/content";
import { newWallet, type TestWallet } from "../support/accounts";
import { loggedClients } from "../support/client-internals";

describe("invite links answered by the group's admins", () => {
  let node: StartedNode;
  const { make, logs, closeAll } = loggedClients(() => node.url);
  let alice: TestWallet, bob: TestWallet, mallory: TestWallet;
  let a1: Client, a2: Client, b: Client, m: Client;
  let group: Group;
  /** The clients that are running (a closed one is offline: it never syncs). */
  let online: Client[] = [];

  async function until(what: string, check: () => Promise<boolean>, ms = 30_000) {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      for (const c of online) await c.conversations.sync().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const memberIds = async () => {
    await b.conversations.sync();
    return (await (await b.conversations.getGroup(group.id))!.members()).map((x) => x.inboxId);
  };
  const joiner = async (name: string) => {
    const c = await make(newWallet(), name);
    online.push(c);
    return c;
  };
  /** Log lines of `event` about `from`, across the admins' clients. */
  const events = (event: string, from: string) =>
    ["adm-a1", "adm-a2", "adm-b"].flatMap((n) =>
      logs[n]!.filter((l) => l.event === event && l.detail.from === from).map(() => n),
    );
  /** The join replies a person received, in all their DMs. */
  const replies = async (c: Client) => {
    const out: unknown[] = [];
    for (const conv of await c.conversations.list())
      for (const msg of await conv.messages())
        if (msg.contentType === "messenger.app/join_reply:1.0") out.push(msg.content);
    return out;
  };

  beforeAll(async () => {
    node = await startNode();
    [alice, bob, mallory] = [newWallet(), newWallet(), newWallet()];
    a1 = await make(alice, "adm-a1");
    a2 = await make(alice, "adm-a2");
    b = await make(bob, "adm-b");
    m = await make(mallory, "adm-m");
    online = [a1, a2, b, m];
    group = await a1.conversations.newGroup([bob.address, mallory.address], { name: "Club" });
    await group.addAdmin(b.inboxId);
    await until("bob is an admin on his device", async () => {
      const g = await b.conversations.getGroup(group.id);
      return (await g?.details())?.myRole === "admin";
    });
  }, 120_000);

  afterAll(async () => {
    await closeAll();
    await node?.stop();
  });

  it("the link names the admins who may add, its maker first", async () => {
    const link = await a1.invites.create(group.id);
    const carol = await joiner("adm-carol");
    const preview = await carol.invites.inspect(link.token);
    expect(preview.admins).toEqual([a1.inboxId, b.inboxId]);
    expect(preview.admins).not.toContain(m.inboxId);
  }, 60_000);

  it("two admins online at once: one claim wins, the person is added once and hears nothing else", async () => {
    const link = await a1.invites.create(group.id);
    const dan = await joiner("adm-dan");
    await dan.invites.requestToJoin(link.token);
    // All of the admins' devices receive it at the same moment and answer concurrently.
    await Promise.all([a1, a2, b].map((c) => c.conversations.sync()));
    await until(
      "dan is in",
      async () => (await dan.invites.status(link.inviteId)).state === "joined",
    );
    await until("every admin device has decided", async () =>
      ["adm-a1", "adm-a2", "adm-b"].every((n) =>
        logs[n]!.some(
          (l) =>
            l.detail.from === dan.inboxId &&
            [
              "join_request_added",
              "join_request_claimed_elsewhere",
              "join_request_ignored",
            ].includes(l.event),
        ),
      ),
    );
    expect(events("join_request_added", dan.inboxId)).toHaveLength(1);
    expect(events("join_request_refused", dan.inboxId)).toEqual([]);
    expect(await replies(dan)).toEqual([]);
    expect(await memberIds()).toContain(dan.inboxId);
  }, 120_000);

  it("at the last use, two joiners asking at once: the first claimed gets in, the other is refused used_up", async () => {
    const link = await a1.invites.create(group.id, { maxUses: 1 });
    const [erin, finn] = [await joiner("adm-erin"), await joiner("adm-finn")];
    await Promise.all([erin, finn].map((c) => c.invites.requestToJoin(link.token)));
    await Promise.all([a1, a2, b].map((c) => c.conversations.sync()));
    const settled = async (c: Client) =>
      ["joined", "refused"].includes((await c.invites.status(link.inviteId)).state);
    await until("both have an answer", async () => (await settled(erin)) && (await settled(finn)));
    const states = await Promise.all([erin, finn].map((c) => c.invites.status(link.inviteId)));
    expect(states.map((s) => s.state).sort()).toEqual(["joined", "refused"]);
    expect(states.find((s) => s.state === "refused")).toMatchObject({ reason: "used_up" });
    const members = await memberIds();
    expect([erin, finn].filter((c) => members.includes(c.inboxId))).toHaveLength(1);
    // Exactly one answer each: the refused one got one reply, the added one none.
    const counts = await Promise.all([erin, finn].map(async (c) => (await replies(c)).length));
    expect(counts.sort()).toEqual([0, 1]);
    await until(
      "the maker's list counts one use",
      async () =>
        (await a1.invites.list(group.id)).find((l) => l.inviteId === link.inviteId)?.uses === 1,
    );
  }, 120_000);

  it("a member who is not an admin cannot revoke a link: the admins drop it and still add", async () => {
    const link = await a1.invites.create(group.id);
    const mg = (await m.conversations.getGroup(group.id))!;
    await mg.send({ action: "revoke", inviteId: link.inviteId }, ContentTypeInviteControl);
    await until("the admins dropped mallory's revocation", async () =>
      ["adm-a1", "adm-b"].every((n) =>
        logs[n]!.some(
          (l) => l.event === "message_dropped" && l.detail.code === "invite_control_not_allowed",
        ),
      ),
    );
    const gus = await joiner("adm-gus");
    await gus.invites.requestToJoin(link.token);
    await until(
      "gus is in",
      async () => (await gus.invites.status(link.inviteId)).state === "joined",
    );
    expect(await memberIds()).toContain(gus.inboxId);
  }, 120_000);

  it("with the maker's devices closed, the other admin adds the person and refuses a revoked link", async () => {
    const live = await a1.invites.create(group.id);
    const revoked = await a1.invites.create(group.id);
    await a1.invites.revoke(revoked.inviteId);
    // The revocation reaches bob through the group, not through alice's devices.
    await a1.close();
    await a2.close();
    online = online.filter((c) => c !== a1 && c !== a2);

    const hana = await joiner("adm-hana");
    await hana.invites.requestToJoin(live.token);
    await until(
      "bob added hana",
      async () => (await hana.invites.status(live.inviteId)).state === "joined",
    );
    expect(events("join_request_added", hana.inboxId)).toEqual(["adm-b"]);
    expect(await memberIds()).toContain(hana.inboxId);

    const ivan = await joiner("adm-ivan");
    await ivan.invites.requestToJoin(revoked.token);
    await until(
      "bob refused ivan",
      async () => (await ivan.invites.status(revoked.inviteId)).state === "refused",
    );
    expect(await ivan.invites.status(revoked.inviteId)).toMatchObject({ reason: "revoked" });
    expect(events("join_request_refused", ivan.inboxId)).toEqual(["adm-b"]);
    expect(await memberIds()).not.toContain(ivan.inboxId);
  }, 120_000);
});
