// Group changes as intents (PROTOCOL.md §2). Each commit is stored before it is sent,
// with the state it leads to (sealed), its welcome and the change itself, so a crash at
// any step is finished on restart (commit-recovery.ts). The group is then read in node
// order: our commit first for its epoch → merged (by the receive path), then the welcome
// goes out; another commit first → ours is discarded, the change is planned again on the
// new epoch and sent again, at most MAX_ATTEMPTS times in all.
import { sha256, toHex } from "../../crypto";
import {
  commitChanges,
  commitViolation,
  encodeGroupState,
  epochAuthenticator,
  groupMembers,
  hasMutableExtensions,
  inboxesOf,
  readGroupContext,
  type GroupHandle,
} from "../../mls";
import { advanceCommitIntent, putCommitIntent, unfinishedCommitIntents } from "../../storage";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";
import { requireGroup, withGroupLock } from "./state";
import { applyEnvelopeLocked, isTransient } from "../messages/receive";
import type { ReceiveLog } from "../types";
import { intentKindOf, plannerOf, type GroupChange } from "./change";
import type { PlannedChange } from "./planned-change";
import { finishCommitIntents, readAll, settleCommitIntent } from "./commit-recovery";

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

export async function runGroupChange(
  ctx: ClientContext,
  groupId: string,
  change: GroupChange,
  log?: ReceiveLog,
): Promise<void> {
  // A commit left over from a crash is finished first (a lost one made again): this
  // change builds on their outcome.
  for (const lost of await finishCommitIntents(ctx, groupId, log))
    await runGroupChange(ctx, groupId, lost, log);
  const plan = plannerOf(ctx, change);
  let lastLoss = "";
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const won = await withGroupLock(ctx, groupId, async () => {
      // Build on the newest epoch we can see.
      await readAll(ctx, groupId, async (env) => {
        await applyEnvelopeLocked(ctx, env, log);
      });
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
              hpkePublicKey: k.parsed.keyPackage.initKey,
            }))
          : undefined;
      // Stored before it is sent, with all a restart needs to finish it; the echo is
      // recognised by its hash.
      const intentId = await putCommitIntent(ctx.db, {
        groupId,
        kind: intentKindOf(change),
        commit: out.commit,
        payloadHash: toHex(sha256(out.commit)),
        fromEpoch: group.epoch,
        state: encodeGroupState(out.pending.group),
        authenticator: toHex(epochAuthenticator(out.pending.group)),
        change,
        ...(welcomeTo ? { welcome: out.welcome!, welcomeTo } : {}),
      });
      await ctx.testHooks?.commitStep?.("before_publish");
      try {
        await ctx.api.sendGroupMessages([{ data: out.commit, shouldPush: false }]);
      } catch (err) {
        // A refusal ends the intent. A network failure may have delivered it and lost only
        // the answer: only the node's order can tell, so that intent stays for recovery
        // (the same bytes are published again, or the change is planned again).
        if (!isTransient(err))
          await advanceCommitIntent(ctx.db, intentId, {
            finish: "error",
            error: (err as Error).message,
          });
        throw new ClientError(
          "commit_failed",
          `change not sent: ${(err as Error).message}`,
          true,
          err,
        );
      }
      await ctx.testHooks?.commitStep?.("after_publish");
      await advanceCommitIntent(ctx.db, intentId, { status: "published", attempts: attempt });
      const outcome = await settleCommitIntent(ctx, groupId, intentId, log, out.pending);
      if (outcome === "won") return true;
      lastLoss =
        outcome === "lost"
          ? "another commit won the epoch"
          : "the commit was not seen in the group";
      if (outcome === "unseen")
        await advanceCommitIntent(ctx.db, intentId, { finish: "error", error: lastLoss });
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
 * After a restart (Client.create, startSync): finishes every commit a crash interrupted —
 * merges it if the node took it first for its epoch, sends its welcomes, or makes the
 * change again on the epoch that won. A group that cannot be finished now (node
 * unreachable) is reported and left for the next time.
 */
export async function recoverCommits(ctx: ClientContext, log?: ReceiveLog): Promise<void> {
  const groups = new Set((await unfinishedCommitIntents(ctx.db)).map((r) => r.conversationId));
  for (const groupId of groups) {
    try {
      for (const lost of await finishCommitIntents(ctx, groupId, log))
        await runGroupChange(ctx, groupId, lost, log);
    } catch (err) {
      log?.("commit_recovery_failed", { groupId, error: (err as Error).message });
      if (isTransient(err)) throw err;
    }
  }
}
