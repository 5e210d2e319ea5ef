// Each commit this installation applies (its own and others') is written to its local
// commit log: the epoch and authenticator it reached. A super admin also signs it as an
// entry to publish (libxmtp publishes only from super admins: the group's log is then a
// chain a forked ordinary member cannot start). One put in the receive path; publishing
// and reading the others' entries happen off it (fork-watch.ts).
import { fromHex, toHex } from "../../crypto";
import {
  commitLogSignerOf,
  epochAuthenticator,
  hasMutableExtensions,
  readGroupContext,
  roleOf,
  type GroupHandle,
} from "../../mls";
import {
  commitLogToPublish,
  deleteCommitLogRow,
  getCommitLogRow,
  markCommitLogPublished,
  pruneCommitLog,
  putCommitLogRow,
} from "../../storage";
import type { ClientContext } from "../context";
import type { ReceiveLog } from "../types";
import { signedEntry } from "./entries";
import { COMMIT_LOG_KEEP_EPOCHS, compareEpoch } from "./compare";
import { isDm, recordDmCommit } from "./dm-log";

export { COMMIT_LOG_KEEP_EPOCHS, compareEpoch } from "./compare";

export async function recordAppliedCommit(
  ctx: ClientContext,
  before: GroupHandle,
  after: GroupHandle,
  commitSequenceId: bigint,
  log?: ReceiveLog,
  own = false,
): Promise<void> {
  if (isDm(after)) return recordDmCommit(ctx, before, after, commitSequenceId, own, log);
  const signer = commitLogSignerOf(after);
  if (!signer) return; // a group made before commit logs existed: nothing to compare with
  const groupId = toHex(after.groupId);
  const authenticator = epochAuthenticator(after);
  const superAdmin =
    hasMutableExtensions(after.state.groupContext.extensions) &&
    roleOf(readGroupContext(after.state.groupContext.extensions), ctx.installation.inboxId) ===
      "super_admin";
  const entry = superAdmin
    ? signedEntry(
        {
          groupId: after.groupId,
          commitSequenceId,
          lastEpochAuthenticator: epochAuthenticator(before),
          appliedEpoch: after.epoch,
          appliedEpochAuthenticator: authenticator,
        },
        signer,
      )
    : undefined;
  await putCommitLogRow(ctx.db, {
    groupId,
    side: "local",
    epoch: after.epoch,
    authenticator: toHex(authenticator),
    commitSequenceId,
    toPublish: entry ? 1 : 0,
    ...(entry
      ? { entry: entry.entry, signature: entry.signature, signerPublicKey: entry.signerPublicKey }
      : {}),
  });
  const remote = await getCommitLogRow(ctx.db, groupId, "remote", after.epoch);
  if (remote) {
    const forked = await compareEpoch(
      ctx,
      groupId,
      after.epoch,
      toHex(authenticator),
      remote.authenticator,
      commitSequenceId,
      log,
    );
    if (!forked) await deleteCommitLogRow(ctx.db, remote.key);
  }
  await pruneCommitLog(ctx.db, groupId, after.epoch - COMMIT_LOG_KEEP_EPOCHS + 1n);
  ctx.forkWatch?.poke();
}

/** Sends what a super admin's log holds for the node (batched; a failure keeps them for the next try). */
export async function publishPendingEntries(ctx: ClientContext): Promise<number> {
  const rows = await commitLogToPublish(ctx.db);
  const ready = rows.filter((r) => r.entry && r.signature && r.signerPublicKey);
  if (ready.length === 0) return 0;
  await ctx.api.publishCommitLog(
    ready.map((r) => ({
      groupId: fromHex(r.groupId),
      entry: r.entry!,
      signature: r.signature!,
      signerPublicKey: r.signerPublicKey!,
    })),
  );
  await markCommitLogPublished(
    ctx.db,
    ready.map((r) => r.key),
  );
  return ready.length;
}
