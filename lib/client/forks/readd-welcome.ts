// The welcome side of fork recovery: a welcome for a group this installation already holds
// replaces its state ONLY when (1) the conversation is out of sync here (or our state says
// we were removed: a member added back, or a replayed request's re-add; a device that was
// away reads the group up to its removal first), and (2) the commit that made the
// welcome is on the group's topic: a commit envelope for the epoch just before the
// welcome's, after our cursor. The cursor then moves to that commit, so every later
// envelope is read with the new state. Any other second welcome for a known group is left
// to the welcome rules of issue 11 item 9 (messages/welcome.ts).
import { fromHex, toHex } from "../../crypto";
import { decodeGroupState, isActive, readMessageHeader, type GroupHandle } from "../../mls";
import {
  clearOutOfSync,
  deleteLineage,
  getConversation,
  getCursor,
  getLineages,
  groupTopic,
  resetCommitLog,
  setContested,
  setCursor,
} from "../../storage";
import type { ClientContext } from "../context";
import { loadGroup, replaceGroup, withGroupLock } from "../groups/state";
import { readAll } from "../groups/commit-recovery";
import { applyEnvelopeLocked } from "../messages/receive";
import { resumeOutbox } from "../messages/send";
import type { ReceiveLog } from "../types";
import { requeueForkedSends } from "./resend-forked";
import { readCommitLogs } from "./fork-check";
import { logVerdict } from "./log-verdict";

/** Node id of the first commit made in `epoch` after the group's cursor, if the node has one. */
async function commitOfEpoch(
  ctx: ClientContext,
  groupId: string,
  epoch: bigint,
): Promise<bigint | undefined> {
  let cursor = await getCursor(ctx.db, groupTopic(groupId));
  for (;;) {
    const page = await ctx.api.queryGroupMessages(fromHex(groupId), { cursor });
    for (const env of page) {
      try {
        const h = readMessageHeader(env.data);
        if (h.contentType === "commit" && h.epoch === epoch) return env.id;
      } catch {
        // not an MLS message: not the one
      }
    }
    if (page.length < 100) return undefined;
    cursor = page[page.length - 1]!.id;
  }
}

/**
 * What became of a welcome for a group this installation holds: "accepted" (it replaced the
 * state), "refused" (the commit log contradicts it: dropped), "waiting" (out of sync and the
 * log does not show its epoch yet: kept as a candidate, tried again after each log read by
 * retryWaitingWelcomes), "not_readd" (the welcome rules of issue 11 item 9 judge it).
 */
export type ReaddWelcomeOutcome = "accepted" | "refused" | "waiting" | "not_readd";

export async function acceptReaddWelcome(
  ctx: ClientContext,
  welcomed: GroupHandle,
  log?: ReceiveLog,
): Promise<ReaddWelcomeOutcome> {
  const groupId = toHex(welcomed.groupId);
  const conv = await getConversation(ctx.db, groupId);
  let current = await loadGroup(ctx, groupId);
  if (!conv || !current) return "not_readd";
  if (!conv.outOfSync && isActive(current) && welcomed.epoch > current.epoch) {
    // Perhaps removed and added back while this device was away: read the group up to
    // our removal first (the receive path stops there), then judge the welcome.
    await withGroupLock(ctx, groupId, () =>
      readAll(ctx, groupId, async (env) => {
        await applyEnvelopeLocked(ctx, env, log);
      }),
    );
    current = (await loadGroup(ctx, groupId))!;
  }
  if (!conv.outOfSync && isActive(current)) return "not_readd";
  if (welcomed.epoch === 0n) return "not_readd";
  // The group's log says where the group was at that epoch: a welcome made from another
  // state (a forked member adding people spreads its fork) is refused. Out of sync, the
  // log must vouch for it: read now, and if its epoch is not there yet, wait for it.
  let verdict = await logVerdict(ctx, welcomed, current);
  if (verdict === "unknown" && conv.outOfSync) {
    await readCommitLogs(ctx, log, [groupId]);
    verdict = await logVerdict(ctx, welcomed, current);
  }
  if (verdict === "contradicted") {
    ctx.diagnostics.drop("readd_welcome_contradicted");
    log?.("readd_welcome_forked", {
      groupId,
      epoch: welcomed.epoch.toString(),
      reason: `the group's commit log records another state at epoch ${welcomed.epoch}`,
    });
    return "refused";
  }
  if (verdict === "unknown" && conv.outOfSync) {
    log?.("readd_welcome_waiting", { groupId, epoch: welcomed.epoch.toString() });
    return "waiting";
  }
  const commitAt = await commitOfEpoch(ctx, groupId, welcomed.epoch - 1n);
  if (commitAt === undefined) {
    log?.("readd_welcome_unconfirmed", { groupId, epoch: welcomed.epoch.toString() });
    return "not_readd";
  }
  let requeued = 0;
  await withGroupLock(ctx, groupId, async () => {
    // Sent under the forked state, unreadable to the others: they go out again below.
    if (conv.outOfSync)
      requeued = await requeueForkedSends(ctx, groupId, BigInt(conv.outOfSync.sinceNodeId));
    await replaceGroup(ctx, welcomed);
    await setCursor(ctx.db, groupTopic(groupId), commitAt);
    await resetCommitLog(ctx.db, groupId, welcomed.epoch);
    await clearOutOfSync(ctx.db, groupId);
  });
  log?.("readd_welcome_accepted", { groupId, epoch: welcomed.epoch.toString(), requeued });
  ctx.forkWatch?.healed(groupId);
  // What the group said since the re-add, read with the new state; then what was typed
  // while out of sync goes out (off this path: it may commit installation changes first).
  await withGroupLock(ctx, groupId, () =>
    readAll(ctx, groupId, async (env) => {
      await applyEnvelopeLocked(ctx, env, log);
    }),
  ).catch((err: unknown) => log?.("readd_catch_up_failed", { groupId, error: String(err) }));
  void resumeOutbox(ctx).catch(() => undefined);
  return "accepted";
}

/**
 * Welcomes that waited for the log (kept as candidate lineages of an out-of-sync group):
 * tried again once the log has been read. Returns how many healed a conversation.
 */
export async function retryWaitingWelcomes(ctx: ClientContext, log?: ReceiveLog): Promise<number> {
  let healed = 0;
  const stuck = await ctx.db.conversations.filter((c) => c.outOfSync !== undefined).toArray();
  for (const conv of stuck) {
    const candidates = (await getLineages(ctx.db, conv.id))
      .filter((l) => l.role === "candidate" && l.joined)
      .sort((a, b) => (a.joined!.epoch > b.joined!.epoch ? -1 : 1));
    for (const c of candidates) {
      const outcome = await acceptReaddWelcome(ctx, decodeGroupState(c.joined!.state), log);
      if (outcome === "waiting") continue;
      await deleteLineage(ctx.db, conv.id, c.lineageId); // used, or refused for good
      if (outcome === "accepted") {
        await setContested(ctx.db, conv.id, false);
        healed++;
        break;
      }
    }
  }
  return healed;
}
