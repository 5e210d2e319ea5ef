// Our own commit between "stored" and "finished" (see commit.ts): read back from its
// intent row, and what the group's state says became of it. Shared by the receive path
// (which merges or discards it in node order, whoever reads the envelopes) and by
// recovery after a restart.
import { toHex } from "../../crypto";
import {
  decodeGroupState,
  epochAuthenticator,
  memberDiff,
  type GroupHandle,
  type PendingCommit,
} from "../../mls";
import { openCommitState, unfinishedCommitIntents, type IntentRow } from "../../storage";
import type { ClientContext } from "../context";

/** A commit intent that still has work to do (its `commit` part present). */
export type CommitIntent = IntentRow & { commit: NonNullable<IntentRow["commit"]> };

/**
 * What the group's state says about a commit intent: `unseen` while the group is still at
 * the commit's epoch, `merged` when its state is the one the commit leads to, `lost` when
 * another commit took the epoch.
 */
export function commitFate(row: CommitIntent, group: GroupHandle): "unseen" | "merged" | "lost" {
  if (row.commit.phase !== "prepared") return row.commit.phase;
  const from = BigInt(row.commit.fromEpoch);
  if (group.epoch === from) return "unseen";
  // Merged and saved just before a crash, the intent not yet told: the next epoch's
  // authenticator is ours. (No later commit can have been applied: the cursor did not move.)
  if (group.epoch === from + 1n && toHex(epochAuthenticator(group)) === row.commit.authenticator)
    return "merged";
  return "lost";
}

/** The group's unfinished commit intent, if any (commits are made one at a time under the group's lock). */
export async function commitIntentOf(
  ctx: ClientContext,
  groupId: string,
): Promise<CommitIntent | undefined> {
  const rows = await unfinishedCommitIntents(ctx.db, groupId);
  return rows[0] as CommitIntent | undefined;
}

/** The stored commit as ts-mls needs it to recognise the echo and merge it, while it can still win. */
export async function pendingFromIntent(
  ctx: ClientContext,
  row: CommitIntent,
  group: GroupHandle,
): Promise<PendingCommit | undefined> {
  if (commitFate(row, group) !== "unseen") return undefined;
  const state = await openCommitState(ctx.db, row);
  if (!state) return undefined;
  const next = decodeGroupState(state);
  const { added, removed } = memberDiff(group.state.ratchetTree, next.state.ratchetTree);
  return { commit: row.payload, group: next, fromEpoch: group.epoch, added, removed };
}
