// Fork detection in DMs. A DM has no group signer (no mutable metadata to carry one), so
// its commit log holds entries signed by the installation that MADE each commit (XMTP's
// PlaintextCommitLogEntry, signed as entries.ts signs them, with the committer's own key):
// only an installation of one of the DM's two inboxes counts, so the node cannot forge one.
// A commit's maker knows what its commit reached; a member that applied a commit from the
// same starting state and reached another authenticator was fed something else (a fork):
//  - the entry's commit came first on the node (lower sequence id): ours should not have
//    applied, we are the forked side;
//  - the same envelope (equal ids: a node swapped its bytes): the maker's word wins;
//  - ours came first: the maker of the later one is the forked side, not us.
// Entries from another starting state say nothing about ours: they are not compared.
import { toHex } from "../../crypto";
import { epochAuthenticator, groupMetadata, type GroupHandle } from "../../mls";
import type { CommitLogEntryRecord } from "../../api";
import type { PlaintextCommitLogEntry } from "../../proto/mls/message_contents/commit_log_pb";
import { CommitResult } from "../../proto/mls/message_contents/commit_log_pb";
import {
  getCommitLogChain,
  getCommitLogRow,
  getConversation,
  pruneCommitLog,
  putCommitLogRow,
  type CommitLogRow,
} from "../../storage";
import type { ClientContext } from "../context";
import type { ReceiveLog } from "../types";
import { signedEntry, verifiedEntry } from "./entries";
import { compareEpoch, COMMIT_LOG_KEEP_EPOCHS } from "./compare";

export function isDm(group: GroupHandle): boolean {
  return groupMetadata(group).conversationType === "dm";
}

interface Claim {
  parent: string;
  authenticator: string;
  commitSequenceId: bigint;
}

/** Whether `claim` (another installation's entry) says our record at that epoch is a fork. */
function contradicts(local: CommitLogRow, claim: Claim): boolean {
  if (local.parentAuthenticator !== claim.parent) return false;
  if (local.authenticator === claim.authenticator) return false;
  const ours = BigInt(local.commitSequenceId);
  if (claim.commitSequenceId !== ours) return claim.commitSequenceId < ours;
  return local.entry === undefined; // the same envelope: we did not make it, its maker did
}

/** A DM commit applied here: recorded; signed for the log when this installation made it. */
export async function recordDmCommit(
  ctx: ClientContext,
  before: GroupHandle,
  after: GroupHandle,
  commitSequenceId: bigint,
  own: boolean,
  log?: ReceiveLog,
): Promise<void> {
  const groupId = toHex(after.groupId);
  const authenticator = epochAuthenticator(after);
  const entry = own
    ? signedEntry(
        {
          groupId: after.groupId,
          commitSequenceId,
          lastEpochAuthenticator: epochAuthenticator(before),
          appliedEpoch: after.epoch,
          appliedEpochAuthenticator: authenticator,
        },
        ctx.installation,
      )
    : undefined;
  const local = {
    groupId,
    side: "local" as const,
    epoch: after.epoch,
    authenticator: toHex(authenticator),
    parentAuthenticator: toHex(epochAuthenticator(before)),
    commitSequenceId,
    toPublish: entry ? (1 as const) : (0 as const),
    ...(entry
      ? { entry: entry.entry, signature: entry.signature, signerPublicKey: entry.signerPublicKey }
      : {}),
  };
  await putCommitLogRow(ctx.db, local);
  const remote = await getCommitLogRow(ctx.db, groupId, "remote", after.epoch);
  const stored = await getCommitLogRow(ctx.db, groupId, "local", after.epoch);
  if (remote && stored && contradicts(stored, claimOf(remote)))
    await compareEpoch(
      ctx,
      groupId,
      after.epoch,
      stored.authenticator,
      remote.authenticator,
      commitSequenceId,
      log,
    );
  await pruneCommitLog(ctx.db, groupId, after.epoch - COMMIT_LOG_KEEP_EPOCHS + 1n);
  ctx.forkWatch?.poke();
}

function claimOf(row: CommitLogRow): Claim {
  return {
    parent: row.parentAuthenticator ?? "",
    authenticator: row.authenticator,
    commitSequenceId: BigInt(row.commitSequenceId),
  };
}

/** The installations of the DM's two inboxes, by their identity logs (hex keys). */
export async function dmInstallations(
  ctx: ClientContext,
  group: GroupHandle,
): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const inbox of groupMetadata(group).dmMembers ?? []) {
    const state = await ctx.resolver.latest(inbox);
    for (const k of state?.installations ?? []) keys.add(k);
  }
  return keys;
}

/** The entry if one of the DM's installations (not this one) signed it; undefined otherwise. */
export function verifiedDmEntry(
  ctx: ClientContext,
  r: CommitLogEntryRecord,
  installations: Set<string>,
): PlaintextCommitLogEntry | undefined {
  const signer = toHex(r.signerPublicKey);
  if (!installations.has(signer) || signer === toHex(ctx.installation.publicKey)) return undefined;
  const e = verifiedEntry(r, r.signerPublicKey);
  if (!e || e.commitResult !== CommitResult.APPLIED || e.commitSequenceId === 0n) return undefined;
  return e;
}

/** Compares another installation's entry with what this one reached (or will reach). */
export async function acceptDmEntry(
  ctx: ClientContext,
  groupId: string,
  e: PlaintextCommitLogEntry,
  group: GroupHandle,
  log?: ReceiveLog,
): Promise<void> {
  if (toHex(e.groupId) !== groupId) return;
  const epoch = e.appliedEpochNumber;
  if (epoch < BigInt((await getCommitLogChain(ctx.db, groupId)).baselineEpoch)) return;
  const claim: Claim = {
    parent: toHex(e.lastEpochAuthenticator),
    authenticator: toHex(e.appliedEpochAuthenticator),
    commitSequenceId: e.commitSequenceId,
  };
  // Already recovering: nothing to compare, kept for the re-add welcome's check (log-verdict.ts).
  const recovering = Boolean((await getConversation(ctx.db, groupId))?.outOfSync);
  const local = recovering ? undefined : await getCommitLogRow(ctx.db, groupId, "local", epoch);
  if (local) {
    if (contradicts(local, claim))
      await compareEpoch(
        ctx,
        groupId,
        epoch,
        local.authenticator,
        claim.authenticator,
        BigInt(local.commitSequenceId),
        log,
      );
    return;
  }
  if (!recovering && epoch <= group.epoch) return; // joined after it: nothing of ours to compare
  // Not there yet: compared when this installation applies that epoch's commit. The first
  // commit on the node for an epoch is the one that counts: keep the lowest id.
  const known = await getCommitLogRow(ctx.db, groupId, "remote", epoch);
  if (known && BigInt(known.commitSequenceId) <= claim.commitSequenceId) return;
  await putCommitLogRow(ctx.db, {
    groupId,
    side: "remote",
    epoch,
    authenticator: claim.authenticator,
    parentAuthenticator: claim.parent,
    commitSequenceId: claim.commitSequenceId,
    toPublish: 0,
  });
}
