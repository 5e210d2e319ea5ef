// Groups made before commit logs existed have no `_commit_log_signer` in their metadata, so
// no entries and no fork detection beyond "cannot apply". The first super admin's client
// that sees such a group adds a fresh key with one metadata-update commit (super admins
// only: "_" attributes are theirs, group-policy.ts). Two super admins racing are two normal
// conflicting commits: the node's order picks one, the other's change is planned again on
// the new epoch, finds a key there and does nothing, so the group never gets two.
import {
  COMMIT_LOG_SIGNER_ATTRIBUTE,
  commitLogSignerOf,
  hasMutableExtensions,
  isActive,
  newCommitLogSignerAttribute,
  readGroupContext,
  roleOf,
} from "../../mls";
import { getConversation } from "../../storage";
import type { ClientContext } from "../context";
import { runGroupChange } from "../groups/commit";
import { loadGroup } from "../groups/state";
import type { ReceiveLog } from "../types";

/**
 * Whether this installation should give the group a commit-log signer now. A group found
 * with one goes into `settled` and is not loaded again (signers are never taken away).
 */
async function needsSigner(
  ctx: ClientContext,
  groupId: string,
  settled: Set<string>,
): Promise<boolean> {
  const conv = await getConversation(ctx.db, groupId);
  if (!conv || conv.kind !== "group" || conv.outOfSync) return false;
  const group = await loadGroup(ctx, groupId);
  if (!group || !isActive(group) || !hasMutableExtensions(group.state.groupContext.extensions))
    return false;
  if (commitLogSignerOf(group)) {
    settled.add(groupId);
    return false;
  }
  const context = readGroupContext(group.state.groupContext.extensions);
  return roleOf(context, ctx.installation.inboxId) === "super_admin";
}

/** Adds a signer to every group this super admin holds without one; returns how many. */
export async function addMissingCommitLogSigners(
  ctx: ClientContext,
  settled: Set<string>,
  log?: ReceiveLog,
): Promise<number> {
  let added = 0;
  for (const { groupId } of await ctx.db.groups.toArray()) {
    if (settled.has(groupId) || !(await needsSigner(ctx, groupId, settled))) continue;
    const value = newCommitLogSignerAttribute();
    try {
      await runGroupChange(ctx, groupId, { op: "add_commit_log_signer", value }, log);
      // Ours, or another super admin's that won the epoch first (then ours was not made).
      const group = await loadGroup(ctx, groupId);
      const now = group && readGroupContext(group.state.groupContext.extensions);
      if (now?.metadata.attributes[COMMIT_LOG_SIGNER_ATTRIBUTE] === value) {
        added++;
        log?.("commit_log_signer_added", { groupId });
      }
    } catch (err) {
      log?.("commit_log_signer_failed", { groupId, error: (err as Error).message });
    }
  }
  return added;
}
