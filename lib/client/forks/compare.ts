// Marking a fork: this installation reached another authenticator than the group's log
// says for the same epoch (groups: the signed chain, fork-check.ts; DMs: dm-log.ts).
import { getCommitLogChain, markOutOfSync } from "../../storage";
import { dropReady } from "../groups/ready";
import type { ClientContext } from "../context";
import type { ReceiveLog } from "../types";

/**
 * Epochs of rows kept per group (what this installation reached there, what the log said
 * about epochs it had not reached yet). A row older than this that no entry matched will
 * not be matched by one: a fork does not heal by itself, so it still shows at the later
 * epochs, which are compared.
 */
export const COMMIT_LOG_KEEP_EPOCHS = 64n;

/**
 * Same epoch, different authenticator: this installation is not where the group's log
 * says the group is. It goes out of sync ("fork: …") and asks to be re-added.
 */
export async function compareEpoch(
  ctx: ClientContext,
  groupId: string,
  epoch: bigint,
  local: string,
  remote: string,
  sinceNodeId: bigint,
  log?: ReceiveLog,
): Promise<boolean> {
  if (local === remote) return false;
  const chain = await getCommitLogChain(ctx.db, groupId);
  if (epoch < BigInt(chain.baselineEpoch)) return false; // a state a re-add replaced
  dropReady(ctx, groupId);
  await markOutOfSync(ctx.db, groupId, {
    code: "fork",
    reason: `fork: at epoch ${epoch} this device reached authenticator ${local.slice(0, 12)}…, the group's commit log says ${remote.slice(0, 12)}…`,
    sinceNodeId,
  });
  log?.("fork_detected", { groupId, epoch: epoch.toString() });
  ctx.forkWatch?.forkDetected(groupId);
  return true;
}
