// A removal is one commit: Remove proposals (which need an UpdatePath) together with the
// group_context_extensions update that drops the removed inbox from the membership list.
// Unpatched ts-mls 1.6.4 encrypted the path secrets under the old extensions while every
// receiver decrypted under the new ones (RFC 9420 §12.4.1: the provisional GroupContext
// with the new extensions), so no member could process such a commit.
import { describe, expect, it } from "vitest";
import { fromUtf8, utf8 } from "../../crypto";
import {
  commitChanges,
  createGroup,
  createKeyPackage,
  encryptApplication,
  groupMembers,
  joinFromWelcome,
  mergeOwnCommit,
  presetPermissions,
  processMessage,
  readGroupContext,
  type GroupHandle,
} from "../index";
import { Directory, newSigner } from "./helpers";

const contextOf = (g: GroupHandle) => readGroupContext(g.state.groupContext.extensions);

async function groupOfFive() {
  const [alice, ...others] = Array.from({ length: 5 }, () => newSigner());
  const dir = new Directory().register(alice!, ...others);
  const created = await createGroup({
    signer: alice!,
    metadata: { conversationType: "group", creatorInboxId: alice!.inboxId },
    context: {
      metadata: { attributes: {}, admins: [], superAdmins: [alice!.inboxId] },
      membership: new Map([[alice!.inboxId, 1n]]),
      permissions: presetPermissions("default"),
    },
  });
  const kps = await Promise.all(others.map((s) => createKeyPackage(s)));
  const context = contextOf(created);
  for (const s of others) context.membership.set(s.inboxId, 1n);
  const added = await commitChanges(
    created,
    { add: kps.map((k) => k.keyPackageBytes), context },
    dir.auth,
  );
  const joined = await Promise.all(
    others.map((s, i) =>
      joinFromWelcome({
        welcome: added.welcome!,
        keyPackagePrivate: kps[i]!.privateBytes,
        keyPackageBytes: kps[i]!.keyPackageBytes,
        signer: s,
        auth: dir.auth,
      }),
    ),
  );
  return { dir, others, aliceGroup: mergeOwnCommit(created, added.pending), joined };
}

describe("removal in one commit", () => {
  it("removeWithExtensionUpdateIsProcessedByEveryRemainingMember", async () => {
    const { dir, others, aliceGroup, joined } = await groupOfFive();
    const victim = others[2]!;
    const context = contextOf(aliceGroup);
    context.membership.delete(victim.inboxId);
    const out = await commitChanges(aliceGroup, { remove: [victim.publicKey], context }, dir.auth);
    const alice = mergeOwnCommit(aliceGroup, out.pending);
    const remaining: GroupHandle[] = [];
    for (const [i, g] of joined.entries()) {
      const got = await processMessage(g, out.commit, dir.auth);
      expect(got.kind).toBe("commit");
      if (got.kind !== "commit") continue;
      if (i === 2) {
        expect(got.selfRemoved).toBe(true);
        continue;
      }
      expect(got.removed.map((m) => m.inboxId)).toEqual([victim.inboxId]);
      expect(got.group.epoch).toBe(alice.epoch);
      expect(contextOf(got.group).membership.has(victim.inboxId)).toBe(false);
      expect(groupMembers(got.group).some((m) => m.inboxId === victim.inboxId)).toBe(false);
      remaining.push(got.group);
    }
    // The new epoch's keys agree: everyone left reads the committer's next message.
    const sent = await encryptApplication(alice, utf8("after the removal"));
    for (const g of remaining) {
      const got = await processMessage(g, sent.message, dir.auth);
      expect(got.kind === "application" && fromUtf8(got.plaintext)).toBe("after the removal");
    }
  });
});
