// What the commit log says of a re-add welcome: the epoch it starts the member at must be
// one the group's log records with the same authenticator. A welcome from another state
// (a forked member spreading its fork, a stale state) is contradicted; one whose epoch the
// log does not show yet waits for it (readd-welcome.ts), never accepted blindly.
import { toHex } from "../../crypto";
import { commitLogSignerOf, epochAuthenticator, type GroupHandle } from "../../mls";
import { getCommitLogChain, getCommitLogRow } from "../../storage";
import type { ClientContext } from "../context";
import { isDm } from "./dm-log";

/** "no_log": a group made before commit logs existed, nothing to check against. */
export type LogVerdict = "vouched" | "contradicted" | "unknown" | "no_log";

/** The authenticator the group's commit log gives for `epoch`, when this device read it. */
export async function loggedAuthenticator(
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

export async function logVerdict(
  ctx: ClientContext,
  welcomed: GroupHandle,
  current: GroupHandle | undefined,
): Promise<LogVerdict> {
  const groupId = toHex(welcomed.groupId);
  const logged = await loggedAuthenticator(ctx, groupId, welcomed.epoch);
  if (logged !== undefined)
    return logged === toHex(epochAuthenticator(welcomed)) ? "vouched" : "contradicted";
  const hasLog = [welcomed, current].some((g) => g && (isDm(g) || commitLogSignerOf(g)));
  return hasLog ? "unknown" : "no_log";
}
