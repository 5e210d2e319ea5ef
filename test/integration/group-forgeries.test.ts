// Modified clients against honest members, through a real node: a member who crowns a
// removed admin to take the group over (issue 11 item 6), and a member who fakes the
// thread's system lines (item 8).
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { Client } from "../../lib/client";
import { ContentTypeGroupUpdated, type GroupUpdatedContent } from "../../lib/content";
import { groupMembers, readGroupContext, type GroupContextState } from "../../lib/mls";
import { newWallet } from "../support/accounts";
import { forgeCommit, keyPackagesFor } from "./forge";
import { groupOf, type Logged } from "../support/groups";

function copy(c: GroupContextState): GroupContextState {
  return {
    metadata: {
      attributes: { ...c.metadata.attributes },
      admins: [...c.metadata.admins],
      superAdmins: [...c.metadata.superAdmins],
    },
    membership: new Map(c.membership),
    permissions: { ...c.permissions },
  };
}

describe("forged group changes and forged system lines", () => {
  let node: StartedNode;
  const names = ["a", "x", "y", "z"] as const;
  const logs: Record<string, Logged[]> = { a: [], x: [], y: [], z: [] };
  let a: Client, x: Client, y: Client, z: Client;

  beforeAll(async () => {
    node = await startNode();
    const all = await Promise.all(
      names.map((n) =>
        Client.create(newWallet().signer, {
          apiUrl: node.url,
          dbName: `forge-${n}`,
          indexedDB,
          IDBKeyRange,
          log: (event, detail) => logs[n]!.push({ event, detail }),
        }),
      ),
    );
    [a, x, y, z] = [all[0]!, all[1]!, all[2]!, all[3]!];
  }, 120_000);

  afterAll(async () => {
    for (const c of [a, x, y, z]) await c?.close();
    await node?.stop();
  });

  it("memberCannotCrownARemovedAdminToRemoveTheCreator", async () => {
    const g = await a.conversations.newGroup([x.inboxId, y.inboxId, z.inboxId], { name: "coup" });
    await g.addAdmin(x.inboxId);
    for (const c of [x, y, z]) await groupOf(c, g.id);
    // X loses its leaves: the Remove commit lands, the tidy commit that drops its entries not yet.
    await forgeCommit(a, g.id, async (group) => ({
      remove: groupMembers(group)
        .filter((m) => m.inboxId === x.inboxId)
        .map((m) => m.installationKey),
    }));
    await y.conversations.sync();
    // Y (a plain member): "drop X, make X super admin" in one commit…
    let xSeq = 0n;
    await forgeCommit(y, g.id, async (group) => {
      const next = copy(readGroupContext(group.state.groupContext.extensions));
      xSeq = next.membership.get(x.inboxId)!;
      next.membership.delete(x.inboxId);
      next.metadata.admins = next.metadata.admins.filter((i) => i !== x.inboxId);
      next.metadata.superAdmins.push(x.inboxId);
      return { context: next };
    });
    // …then re-adds X, who comes back as a super admin…
    await forgeCommit(y, g.id, async (group) => {
      const next = copy(readGroupContext(group.state.groupContext.extensions));
      next.membership.set(x.inboxId, xSeq);
      return { add: await keyPackagesFor(y, [x.installationId]), context: next };
    });
    // …and X, in the group Y shows it, removes the creator.
    const gx = await groupOf(x, g.id);
    await gx.removeMembers([a.inboxId]).catch(() => undefined); // X's own view decides
    for (const c of [a, z]) {
      const view = await groupOf(c, g.id);
      const members = await view.members();
      expect(members.find((m) => m.inboxId === a.inboxId)?.role).toBe("super_admin");
      expect(members.some((m) => m.inboxId === x.inboxId)).toBe(false);
      expect(await view.isActive()).toBe(true);
    }
    for (const n of ["a", "z"])
      expect(
        logs[n]!.some(
          (l) =>
            l.event === "envelope_rejected" &&
            /only a super admin changes super admins/.test(String(l.detail.error)),
        ),
      ).toBe(true);
  }, 120_000);

  it("memberCannotFakeASystemLine", async () => {
    const g = await a.conversations.newGroup([z.inboxId], { name: "lines" });
    const gz = await groupOf(z, g.id);
    const fake: GroupUpdatedContent = {
      initiatedByInboxId: a.inboxId,
      addedInboxes: [],
      removedInboxes: [],
      metadataFieldChanges: [
        { fieldName: "group_name", oldValue: "lines", newValue: "a is a scam" },
      ],
    };
    await gz.send(fake, ContentTypeGroupUpdated);
    await gz.send("real text");
    const before = a.diagnostics().forged_system_line ?? 0;
    await a.conversations.sync();
    const seen = await g.messages();
    expect(seen.map((m) => m.content)).toContain("real text");
    const lines = seen.filter((m) => m.contentType === "xmtp.org/group_updated:1.0");
    // Only the line this client wrote for the commit that added z.
    expect(lines).toHaveLength(1);
    expect(lines[0]!.content).toMatchObject({ addedInboxes: [z.inboxId] });
    expect(a.diagnostics().forged_system_line).toBe(before + 1);
    expect(
      logs.a!.some((l) => l.event === "message_dropped" && l.detail.code === "forged_system_line"),
    ).toBe(true);
  }, 60_000);
});
