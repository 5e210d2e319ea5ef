// The welcome side of fork recovery: a welcome for a group this installation already holds
// replaces its state ONLY when (1) the conversation is out of sync here (or our state says
// we were removed: a member added back, or a replayed request's re-add; a device that was
// away reads the group up to its removal first), and (2) the commit that made the
// welcome is on the group's topic: a commit envelope for the epoch just before the
// welcome's, after our cursor. The cursor then moves to that commit, so every later
// envelope is read with the new state. Any other second welcome for a known group is left
// to the welcome rules of issue 11 item 9 (messages/welcome.ts).
import { fromHex, toHex } from "../../crypto";
import { epochAuthenticator, isActive, readMessageHeader, type GroupHandle } from "../../mls";
import {
  clearOutOfSync,
  getConversation,
  getCommitLogChain,
  getCommitLogRow,
  getCursor,
  groupTopic,
  resetCommitLog,
  setCursor,
} from "../../storage";
import type { ClientContext } from "../context";
import { loadGroup, replaceGroup, withGroupLock } from "../groups/state";
import { readAll } from "../groups/commit-recovery";
import { applyEnvelopeLocked } from "../messages/receive";
import { resumeOutbox } from "../messages/send";
import type { ReceiveLog } from "../types";
import { requeueForkedSends } from "./resend-forked";

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

/** The authenticator the group's commit log gives for `epoch`, when this device read it. */
async function loggedAuthenticator(
  ctx: ClientContext,
  groupId: string,
  epoch: bigint,
): Promise<string | undefined> {
  const remote = await getCommitLogRow(ctx.db, groupId, "remote", epoch);
  if (remote) return remote.authenticator;
  const chain = await getCommitLogChain(ctx.db, groupId);
  return chain.lastAuthenticator !== "" && BigInt(chain.lastEpoch) === epoch
    ? chain.lastAuthenticator
    : undefined;
}

/** Returns whether the welcome replaced this installation's state of a known group. */
export async function acceptReaddWelcome(
  ctx: ClientContext,
  welcomed: GroupHandle,
  log?: ReceiveLog,
): Promise<boolean> {
  const groupId = toHex(welcomed.groupId);
  const conv = await getConversation(ctx.db, groupId);
  let current = await loadGroup(ctx, groupId);
  if (!conv || !current) return false;
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
  if (!conv.outOfSync && isActive(current)) return false;
  if (welcomed.epoch === 0n) return false;
  // The group's log already says where the group was at that epoch: a welcome made from
  // another state (a forked member adding people spreads its fork) is refused.
  const logged = await loggedAuthenticator(ctx, groupId, welcomed.epoch);
  if (logged !== undefined && logged !== toHex(epochAuthenticator(welcomed))) {
    log?.("readd_welcome_forked", { groupId, epoch: welcomed.epoch.toString() });
    return false;
  }
  const commitAt = await commitOfEpoch(ctx, groupId, welcomed.epoch - 1n);
  if (commitAt === undefined) {
    log?.("readd_welcome_unconfirmed", { groupId, epoch: welcomed.epoch.toString() });
    return false;
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
  return true;
}
