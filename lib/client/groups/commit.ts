// Group changes as intents (PROTOCOL.md §2). Each commit is stored before it is sent,
// with the state it leads to (sealed), its welcome and the change itself, so a crash at
// any step is finished on restart (commit-recovery.ts). The group is then read in node
// order: our commit first for its epoch → merged (by the receive path), then the welcome
// goes out; another commit first → ours is discarded, the change is planned again on the
// new epoch and sent again, at most MAX_ATTEMPTS times in all.
import { toHex } from "../../crypto";
import {
  commitChanges,
  commitViolation,
  groupMembers,
  hasMutableExtensions,
  inboxesOf,
  readGroupContext,
  type GroupHandle,
  welcomeRecipientOf,
} from "../../mls";
import { unfinishedCommitIntents } from "../../storage";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";
import { dropReady } from "./ready";
import { requireGroup, requireInSync, withGroupLock } from "./state";
import { applyEnvelopeLocked, isTransient } from "../messages/receive";
import type { ReceiveLog } from "../types";
import { intentKindOf, plannerOf, type GroupChange } from "./change";
import type { PlannedChange } from "./planned-change";
import { finishCommitIntents, readAll } from "./commit-recovery";
import { publishOwnCommit } from "./publish-commit";

export type { PlannedChange } from "./planned-change";

export const MAX_ATTEMPTS = 3;

/** Inboxes holding leaves after the planned change. */
function inboxesAfter(group: GroupHandle, plan: PlannedChange): Set<string> {
  const removed = new Set((plan.remove ?? []).map(toHex));
  const out = new Set(
    groupMembers(group)
      .filter((m) => !removed.has(toHex(m.installationKey)))
      .map((m) => m.inboxId),
  );
  for (const a of plan.add ?? []) out.add(a.parsed.inboxId);
  return out;
}

/**
 * Inboxes added by one commit at most. Each carries a key package of ~1.8 KB (1,216 bytes of
 * it the X-Wing key welcomes are wrapped to), and a commit must stay under the node's 1 MiB
 * message limit: a group of 1,000 is made in four commits, not one of 1.7 MB.
 */
export const MAX_INBOXES_ADDED_PER_COMMIT = 250;

export async function runGroupChange(
  ctx: ClientContext,
  groupId: string,
  change: GroupChange,
  log?: ReceiveLog,
): Promise<void> {
  if (change.op === "add" && change.inboxes.length > MAX_INBOXES_ADDED_PER_COMMIT) {
    const { inboxes, ...rest } = change;
    for (let i = 0; i < inboxes.length; i += MAX_INBOXES_ADDED_PER_COMMIT) {
      const chunk = inboxes.slice(i, i + MAX_INBOXES_ADDED_PER_COMMIT);
      // The creator's own other installations join with the first chunk only.
      await runGroupChange(
        ctx,
        groupId,
        i === 0 ? { ...rest, inboxes: chunk } : { op: "add", inboxes: chunk },
        log,
      );
    }
    return;
  }
  // A commit left over from a crash is finished first (a lost one made again): this
  // change builds on their outcome.
  await finishGroupCommits(ctx, groupId, log);
  const plan = plannerOf(ctx, change);
  let lastLoss = "";
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const won = await withGroupLock(ctx, groupId, async () => {
      dropReady(ctx, groupId); // no message goes out beside our commit (storage/outgoing.ts)
      // Build on the newest epoch we can see.
      await readAll(ctx, groupId, async (env) => {
        await applyEnvelopeLocked(ctx, env, log);
      });
      await requireInSync(ctx, groupId);
      const group = await requireGroup(ctx, groupId);
      if (group.state.groupActiveState.kind !== "active")
        throw new ClientError("not_a_member", "this installation is no longer in the group");
      const planned = await plan(group);
      if (!planned) return true; // nothing left to do (e.g. already applied)
      const isGroup = hasMutableExtensions(group.state.groupContext.extensions);
      const before = isGroup ? readGroupContext(group.state.groupContext.extensions) : undefined;
      const violation = before
        ? commitViolation({
            committerInboxId: ctx.installation.inboxId,
            before,
            after: planned.context ?? before,
            inboxesBefore: inboxesOf(group.state.ratchetTree),
            inboxesAfter: inboxesAfter(group, planned),
          })
        : undefined; // a DM: its immutable dm_members pin the two inboxes, every member checks

      if (violation) throw new ClientError("not_allowed", `not allowed: ${violation}`);
      const out = await commitChanges(
        group,
        {
          ...(planned.add ? { add: planned.add.map((a) => a.bytes) } : {}),
          ...(planned.remove ? { remove: planned.remove } : {}),
          ...(planned.context ? { context: planned.context } : {}),
        },
        ctx.resolver.authenticate,
      );
      const welcomeTo =
        out.welcome && planned.add?.length
          ? planned.add.map((k) => ({
              installationKey: k.parsed.installationKey,
              ...welcomeRecipientOf(k.parsed.keyPackage),
            }))
          : undefined;
      const outcome = await publishOwnCommit(
        ctx,
        {
          groupId,
          kind: intentKindOf(change),
          change,
          group,
          commit: out.commit,
          pending: out.pending,
          ...(out.welcome && welcomeTo ? { welcome: out.welcome, welcomeTo } : {}),
          attempt,
        },
        log,
      );
      if (outcome === "won") return true;
      lastLoss =
        outcome === "lost"
          ? "another commit won the epoch"
          : "the commit was not seen in the group";
      log?.("commit_retry", { groupId, attempt, reason: lastLoss });
      return false;
    });
    if (won) return;
  }
  throw new ClientError(
    "commit_failed",
    `change not applied after ${MAX_ATTEMPTS} attempts: ${lastLoss}`,
    true,
  );
}

/**
 * Finishes the group's commits a crash interrupted and makes the lost ones again: before
 * a new change, and before a message is sealed (so it is not sealed in an epoch the
 * group is about to leave, or in a new DM its peer has not joined yet).
 */
export async function finishGroupCommits(
  ctx: ClientContext,
  groupId: string,
  log?: ReceiveLog,
): Promise<void> {
  for (const lost of await finishCommitIntents(ctx, groupId, log))
    await runGroupChange(ctx, groupId, lost, log);
}

/**
 * After a restart (Client.create, startSync): finishes every commit a crash interrupted —
 * merges it if the node took it first for its epoch, sends its welcomes, or makes the
 * change again on the epoch that won. A group that cannot be finished now (node
 * unreachable) is reported and left for the next time.
 */
export async function recoverCommits(ctx: ClientContext, log?: ReceiveLog): Promise<void> {
  const groups = new Set((await unfinishedCommitIntents(ctx.db)).map((r) => r.conversationId));
  for (const groupId of groups) {
    try {
      await finishGroupCommits(ctx, groupId, log);
    } catch (err) {
      log?.("commit_recovery_failed", { groupId, error: (err as Error).message });
      if (isTransient(err)) throw err;
    }
  }
}
