// DM membership, checked by each receiver: a DM holds exactly its two inboxes, and the only
// changes are the automatic ones that follow the identity logs. New installations of the two
// inboxes join (ts-mls checks each added leaf against its log, processMessage its inbox);
// an installation leaves only once its own inbox revoked it. So a DM peer cannot drop some
// (or all) of your devices, and nobody can take either inbox out of the conversation.
// One exception, fork recovery (issue 12): an installation removed and added back in the
// same commit (a fresh leaf for the same key), when that installation asked for it with a
// ReaddRequest on the DM's commit log (forks/readd-proof.ts, the responder's own rule).
import { toHex } from "../../crypto";
import {
  groupMembers,
  groupMetadata,
  leavesOf,
  memberOf,
  MlsError,
  type GroupHandle,
} from "../../mls";
import type { ClientContext } from "../context";
import { readdRequestOnLog } from "../forks/readd-proof";

export interface DmCommit {
  /** Who made the commit: its own leaf changes with every commit (the update path). */
  committerInstallationKey: Uint8Array;
  /** The node's time for the commit (ns): what every member judges a request's age by. */
  createdNs: bigint;
}

export async function checkDmMembership(
  ctx: ClientContext,
  before: GroupHandle,
  after: GroupHandle,
  commit: DmCommit,
): Promise<void> {
  if (groupMetadata(before).conversationType !== "dm") return;
  const remaining = new Set(groupMembers(after).map((m) => toHex(m.installationKey)));
  for (const m of groupMembers(before)) {
    const key = toHex(m.installationKey);
    if (remaining.has(key)) continue;
    // The newest log: a removal that follows a revocation must not be refused on a stale cache.
    const log = await ctx.resolver.latest(m.inboxId);
    if (!log || log.installations.includes(key))
      throw new MlsError(
        "invalid_commit",
        `commit rejected: DM commit removes installation ${key.slice(0, 12)}… of ${m.inboxId}, which its identity log has not revoked`,
      );
  }
  await checkDmReadds(ctx, before, after, commit);
}

/** Leaves other than the committer's that the commit replaced: removed and added back. */
async function checkDmReadds(
  ctx: ClientContext,
  before: GroupHandle,
  after: GroupHandle,
  commit: DmCommit,
): Promise<void> {
  const committer = toHex(commit.committerInstallationKey);
  // Our own re-add was checked against the same rule when it was planned (forks/readd.ts).
  if (committer === toHex(ctx.installation.publicKey)) return;
  const now = new Map(
    leavesOf(after.state.ratchetTree).map((l) => [toHex(l.leaf.signaturePublicKey), l.leaf]),
  );
  for (const { leaf } of leavesOf(before.state.ratchetTree)) {
    const installation = toHex(leaf.signaturePublicKey);
    const fresh = now.get(installation);
    if (installation === committer || !fresh) continue;
    const leafKey = toHex(leaf.hpkePublicKey);
    if (toHex(fresh.hpkePublicKey) === leafKey) continue; // untouched
    const { inboxId } = memberOf(leaf);
    const asked = await readdRequestOnLog(ctx, {
      groupId: toHex(before.groupId),
      installation,
      inboxId,
      leafKey,
      atMs: Number(commit.createdNs / 1_000_000n),
    });
    if (!asked)
      throw new MlsError(
        "invalid_commit",
        `commit rejected: DM commit re-adds installation ${installation.slice(0, 12)}… of ${inboxId}, which asked for no re-add (no ReaddRequest signed by it for that leaf on the commit log)`,
      );
  }
}
