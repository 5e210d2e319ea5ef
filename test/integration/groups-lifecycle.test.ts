// Group chats through a real node: create with metadata, roles, updates as thread lines,
// removal that really locks the removed member out, and joiners who cannot read the past.
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { Client, ClientError, type Group } from "../../lib/client";
import { newWallet, take, type TestWallet } from "../support/accounts";
import type { ClientContext } from "../../lib/client/context";
import { requireGroup } from "../../lib/client/groups/state";
import { fromHex } from "../../lib/crypto";
import { readGroupContext, readMessageHeader } from "../../lib/mls";
import { groupOf, texts, type Logged } from "../support/groups";

const clientContext = (x: Client) => (x as unknown as { ctx: ClientContext }).ctx;
const nodeApi = (x: Client) => clientContext(x).api;

async function client(w: TestWallet, url: string, name: string, logs: Logged[] = []) {
  return Client.create(w.signer, {
    apiUrl: url,
    dbName: name,
    indexedDB,
    IDBKeyRange,
    log: (event, detail) => logs.push({ event, detail }),
  });
}

describe("group chats between wallets", () => {
  let node: StartedNode;
  const wallets = Array.from({ length: 4 }, () => newWallet());
  const logs: Logged[][] = [[], [], [], []];
  let a: Client, b: Client, c: Client, d: Client;

  beforeAll(async () => {
    node = await startNode();
    const all = await Promise.all(wallets.map((w, i) => client(w, node.url, `g-${i}`, logs[i])));
    [a, b, c, d] = [all[0]!, all[1]!, all[2]!, all[3]!];
  }, 120_000);

  afterAll(async () => {
    for (const x of [a, b, c, d]) await x?.close();
    await node?.stop();
  });

  it("creates a group with name, description and image; the creator is its super admin", async () => {
    const g = await a.conversations.newGroup([wallets[1]!.address, c.inboxId], {
      name: "Hike",
      description: "Saturday",
      imageUrl: "https://example.org/h.png",
    });
    expect(g.kind).toBe("group");
    const gb = await groupOf(b, g.id);
    expect(await gb.info()).toEqual({
      name: "Hike",
      description: "Saturday",
      imageUrl: "https://example.org/h.png",
    });
    const members = await gb.members();
    expect(members.map((m) => m.inboxId).sort()).toEqual([a.inboxId, b.inboxId, c.inboxId].sort());
    expect(members.find((m) => m.inboxId === a.inboxId)?.role).toBe("super_admin");
    expect(members.find((m) => m.inboxId === b.inboxId)?.role).toBe("member");
    expect(members.find((m) => m.inboxId === b.inboxId)?.addresses).toEqual([wallets[1]!.address]);
    expect((await gb.permissions()).remove_member).toBe("admin");
    expect(gb.summary().name).toBe("Hike");
  }, 60_000);

  it("three members commit in the same epoch: one wins, the others retry, all end equal, no message lost", async () => {
    const g = await a.conversations.newGroup([b.inboxId, c.inboxId], { name: "race" });
    const [ga, gb, gc] = [g, await groupOf(b, g.id), await groupOf(c, g.id)];
    await ga.send("before");
    const retriesBefore = logs.flat().filter((l) => l.event === "commit_retry").length;
    await Promise.all([
      ga.updateName("from a"),
      gb.updateDescription("from b"),
      gc.updateImageUrl("https://c.example/x.png"),
      gb.send("during from b"),
    ]);
    await gc.send("after from c");
    for (const x of [a, b, c]) await x.conversations.sync();
    const retries = logs.flat().filter((l) => l.event === "commit_retry").length - retriesBefore;
    expect(retries).toBeGreaterThanOrEqual(2);
    const epochs = await Promise.all([ga, gb, gc].map((x) => x.epoch()));
    expect(new Set(epochs.map((e) => e.epoch)).size).toBe(1);
    expect(new Set(epochs.map((e) => e.authenticator)).size).toBe(1);
    expect(epochs[0]!.epoch).toBe(4n); // add, then the three changes
    for (const x of [ga, gb, gc]) {
      expect(await x.info()).toEqual({
        name: "from a",
        description: "from b",
        imageUrl: "https://c.example/x.png",
      });
      expect(new Set(await texts(x))).toEqual(new Set(["before", "during from b", "after from c"]));
      const changes = (await x.messages())
        .filter((m) => m.contentType === "xmtp.org/group_updated:1.0")
        .flatMap(
          (m) =>
            (m.content as { metadataFieldChanges: { fieldName: string }[] }).metadataFieldChanges,
        )
        .map((f) => f.fieldName);
      expect(changes.sort()).toEqual(["description", "group_image_url_square", "group_name"]);
    }
  }, 90_000);

  it("a non-admin's removal is rejected by every member", async () => {
    const g = await a.conversations.newGroup([b.inboxId, c.inboxId], { name: "policy" });
    const gb = await groupOf(b, g.id);
    // The honest client refuses up front, with a typed error naming the rule.
    const err = await gb.removeMembers([c.inboxId]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe("not_allowed");
    expect((err as ClientError).message).toMatch(/remove_member needs admin/);
    // A modified client sends the removal anyway.
    const { forgeRemoval } = await import("./forge");
    await forgeRemoval(b, g.id, c.inboxId);
    for (const x of [a, c]) await x.conversations.sync();
    const gc = await groupOf(c, g.id);
    for (const x of [g, gc]) {
      expect((await x.members()).map((m) => m.inboxId)).toContain(c.inboxId);
      expect((await x.epoch()).epoch).toBe(1n);
    }
    expect(
      logs[0]!.some(
        (l) =>
          l.event === "envelope_rejected" &&
          /remove_member needs admin/.test(String(l.detail.error)),
      ),
    ).toBe(true);
    expect(logs[2]!.some((l) => l.event === "envelope_rejected")).toBe(true);
    // The group goes on: the next message reaches c.
    await g.send("still here?");
    await c.conversations.sync();
    expect(await texts(gc)).toContain("still here?");
  }, 60_000);

  it("a removed member cannot decrypt later messages; a new member cannot read earlier ones", async () => {
    const g = await a.conversations.newGroup([b.inboxId, c.inboxId], { name: "cut" });
    const gc = await groupOf(c, g.id);
    await g.send("everyone sees this");
    await g.removeMembers([wallets[2]!.address]);
    await g.send("after c left");
    await g.addMembers([d.inboxId]);
    await g.send("welcome d");
    await c.conversations.sync();
    expect(await gc.isActive()).toBe(false);
    expect(await texts(gc)).toEqual(["everyone sees this"]);
    const removedLine = (await gc.messages()).find(
      (m) =>
        m.contentType === "xmtp.org/group_updated:1.0" &&
        (m.content as { removedInboxes: string[] }).removedInboxes.includes(c.inboxId),
    );
    expect(removedLine?.senderInboxId).toBe(a.inboxId);
    const gd = await groupOf(d, g.id);
    expect(await texts(gd)).toEqual(["welcome d"]);
    const gb = await groupOf(b, g.id);
    expect(await texts(gb)).toEqual(["everyone sees this", "after c left", "welcome d"]);
    expect((await gb.members()).map((m) => m.inboxId).sort()).toEqual(
      [a.inboxId, b.inboxId, d.inboxId].sort(),
    );
    // c stops reading at its removal (receive.ts): nothing later is even tried, so a
    // re-add's commit is still found after its cursor (issue 12).
    const rejected = logs[2]!.filter(
      (l) => l.event === "envelope_rejected" && l.detail.groupId === g.id,
    );
    expect(rejected).toEqual([]);
  }, 60_000);

  it("removalIsOneCommitOnTheNode: Remove and the membership update travel together, every member processes it", async () => {
    const g = await a.conversations.newGroup([b.inboxId, c.inboxId, d.inboxId], {
      name: "one commit",
    });
    const views = [await groupOf(b, g.id), await groupOf(c, g.id), await groupOf(d, g.id)];
    const commitsOnNode = async () => {
      const page = await nodeApi(a).queryGroupMessages(fromHex(g.id), { limit: 100 });
      return page.filter((m) => readMessageHeader(m.data).contentType === "commit").length;
    };
    const before = await commitsOnNode();
    await g.removeMembers([c.inboxId]);
    expect(await commitsOnNode()).toBe(before + 1);
    await g.send("after the removal");
    for (const x of [b, c, d]) await x.conversations.sync();
    const [gb, gc, gd] = views as [Group, Group, Group];
    expect(await gc.isActive()).toBe(false);
    for (const [client, view] of [
      [b, gb],
      [d, gd],
    ] as const) {
      expect(await texts(view)).toEqual(["after the removal"]);
      expect((await view.members()).map((m) => m.inboxId).sort()).toEqual(
        [a.inboxId, b.inboxId, d.inboxId].sort(),
      );
      // The membership extension dropped c in the same commit.
      const state = await requireGroup(clientContext(client), g.id);
      expect(readGroupContext(state.state.groupContext.extensions).membership.has(c.inboxId)).toBe(
        false,
      );
    }
  }, 60_000);

  it("a member who leaves is removed by an admin's client; the others see it, the leaver stops reading", async () => {
    const g = await a.conversations.newGroup([b.inboxId, c.inboxId], { name: "leave" });
    const gc = await groupOf(c, g.id);
    const gb = await groupOf(b, g.id);
    await expect(g.leave()).rejects.toMatchObject({ code: "not_allowed" }); // only super admin
    await gc.leave();
    await a.conversations.sync(); // a (super admin) receives the request and commits the removal
    const deadline = Date.now() + 20_000;
    while ((await g.members()).some((m) => m.inboxId === c.inboxId)) {
      if (Date.now() > deadline) throw new Error("the leave request was not honoured");
      await new Promise((r) => setTimeout(r, 100));
    }
    await g.send("after c left");
    for (const x of [b, c]) await x.conversations.sync();
    expect(await gc.isActive()).toBe(false);
    expect(await texts(gc)).toEqual([]);
    expect(await texts(gb)).toEqual(["after c left"]);
    expect((await gb.members()).map((m) => m.inboxId).sort()).toEqual(
      [a.inboxId, b.inboxId].sort(),
    );
    expect(logs[0]!.some((l) => l.event === "leave_request_honoured")).toBe(true);
    // b's thread says c left (it asked), not that a removed c.
    const lines = (await gb.messages()).filter(
      (m) => m.contentType === "xmtp.org/group_updated:1.0",
    );
    expect(lines.at(-1)!.content).toMatchObject({
      initiatedByInboxId: a.inboxId,
      removedInboxes: [],
      leftInboxes: [c.inboxId],
    });
    await expect(gc.leave()).rejects.toMatchObject({ code: "not_a_member" });
  }, 60_000);

  it("live: members' streams get the chat, the rename and the removal as they happen", async () => {
    const g = await a.conversations.newGroup([b.inboxId, c.inboxId], { name: "live" });
    await groupOf(b, g.id);
    await groupOf(c, g.id);
    const bStream = b.conversations.streamAllMessages();
    const cStream = c.conversations.streamAllMessages();
    await g.send("hi all");
    await g.updateName("live, renamed");
    await g.removeMembers([c.inboxId]);
    await g.send("c is gone");
    const bGot = await take(bStream, 4);
    const cGot = await take(cStream, 3);
    await bStream.return?.();
    await cStream.return?.();
    expect(bGot.map((m) => m.contentType)).toEqual([
      "xmtp.org/text:1.0",
      "xmtp.org/group_updated:1.0",
      "xmtp.org/group_updated:1.0",
      "xmtp.org/text:1.0",
    ]);
    expect(bGot[1]!.content).toMatchObject({
      initiatedByInboxId: a.inboxId,
      metadataFieldChanges: [
        { fieldName: "group_name", oldValue: "live", newValue: "live, renamed" },
      ],
    });
    expect(bGot[2]!.content).toMatchObject({ removedInboxes: [c.inboxId] });
    expect(bGot[3]!.content).toBe("c is gone");
    expect((await b.conversations.getGroup(g.id))!.summary().name).toBe("live, renamed");
    // c sees the chat and its own removal, and nothing after it.
    expect(cGot[0]!.content).toBe("hi all");
    expect(cGot[2]!.content).toMatchObject({ removedInboxes: [c.inboxId] });
    await new Promise((r) => setTimeout(r, 300));
    const gc = (await c.conversations.getGroup(g.id))!;
    expect(await texts(gc)).toEqual(["hi all"]);
    // c's last view of the group: not a member, and not listed among those who are.
    const cView = await gc.details();
    expect(cView.active).toBe(false);
    expect(cView.can.leave).toEqual({ allowed: false, because: "inactive" });
    expect(cView.members.map((m) => m.inboxId).sort()).toEqual([a.inboxId, b.inboxId].sort());
  }, 60_000);

  it("roles and permissions: a promoted admin may remove; admins-only blocks members' renames", async () => {
    const g = await a.conversations.newGroup([b.inboxId, c.inboxId, d.inboxId], {
      name: "roles",
      permissions: "admins_only",
    });
    const gb = await groupOf(b, g.id);
    await expect(gb.updateName("b's name")).rejects.toMatchObject({ code: "not_allowed" });
    await expect(gb.addAdmin(c.inboxId)).rejects.toMatchObject({ code: "not_allowed" });
    const bBefore = await gb.details();
    expect(bBefore.myRole).toBe("member");
    expect(bBefore.can.update_group_name).toEqual({ allowed: false, because: "admin" });
    expect(bBefore.can.add_admin).toEqual({ allowed: false, because: "super_admin" });
    expect(bBefore.can.leave).toEqual({ allowed: true });
    await g.addAdmin(b.inboxId);
    await b.conversations.sync();
    const bAfter = await gb.details();
    expect(bAfter.myRole).toBe("admin");
    expect(bAfter.can.update_group_name).toEqual({ allowed: true });
    expect(bAfter.members.map((m) => m.role)).toEqual(["super_admin", "admin", "member", "member"]);
    const promoted = (await gb.messages()).at(-1)!;
    expect(promoted.content).toMatchObject({
      initiatedByInboxId: a.inboxId,
      addedAdminInboxes: [b.inboxId],
    });
    const aDetails = await g.details();
    expect(aDetails.can.leave).toEqual({ allowed: false, because: "last_super_admin" });
    expect(aDetails.can.manage_super_admins).toEqual({ allowed: true });
    await gb.updateName("b's name");
    await gb.removeMembers([d.inboxId]);
    await g.updatePermission("update_group_name", "allow");
    await a.conversations.sync();
    const members = await g.members();
    expect(members.find((m) => m.inboxId === b.inboxId)?.role).toBe("admin");
    expect(members.map((m) => m.inboxId)).not.toContain(d.inboxId);
    expect((await g.info()).name).toBe("b's name");
    expect((await g.permissions()).update_group_name).toBe("allow");
    const gc = await groupOf(c, g.id);
    await gc.updateName("c's name");
    await a.conversations.sync();
    expect((await g.info()).name).toBe("c's name");
    const renames = (await g.messages())
      .filter((m) => m.contentType === "xmtp.org/group_updated:1.0")
      .flatMap(
        (m) =>
          (
            m.content as {
              metadataFieldChanges: { fieldName: string; oldValue?: string; newValue?: string }[];
            }
          ).metadataFieldChanges,
      );
    expect(renames).toContainEqual({
      fieldName: "group_name",
      oldValue: "b's name",
      newValue: "c's name",
    });
  }, 60_000);
});
