// Reading the groups' commit logs (issue 12, fork detection). One BatchQueryCommitLog for
// every group, from where this installation stopped. Entries signed by the group's signer
// form a chain, accepted as libxmtp accepts them: each names a later commit than the last,
// starts from the authenticator the last one reached, and reaches the next epoch; anything
// else is skipped. Each accepted epoch is compared with what this installation reached
// there (now, or when it gets there); a difference is a fork. Re-add requests found on the
// way are handed back to the caller (readd.ts answers them).
import { fromHex, toHex } from "../../crypto";
import type { CommitLogEntryRecord } from "../../api";
import { commitLogSignerOf, epochAuthenticator, type GroupHandle } from "../../mls";
import type { PlaintextCommitLogEntry } from "../../proto/mls/message_contents/commit_log_pb";
import { CommitResult } from "../../proto/mls/message_contents/commit_log_pb";
import type { ReaddRequest } from "../../proto/messenger/forks/v1/readd_request_pb";
import {
  deleteCommitLogRow,
  getCommitLogChain,
  getCommitLogRow,
  getConversation,
  putCommitLogChain,
  putCommitLogRow,
  type CommitLogChainRow,
} from "../../storage";
import type { ClientContext } from "../context";
import { loadGroup } from "../groups/state";
import type { ReceiveLog } from "../types";
import { verifiedEntry, verifiedReaddRequest } from "./entries";
import { compareEpoch } from "./compare";
import { acceptDmEntry, dmInstallations, isDm, verifiedDmEntry } from "./dm-log";

export interface FoundRequest {
  groupId: string;
  request: ReaddRequest;
}

/** Reads every group's new log entries; returns the re-add requests among them. */
export async function readCommitLogs(
  ctx: ClientContext,
  log?: ReceiveLog,
  only?: string[],
): Promise<FoundRequest[]> {
  const groups = (await ctx.db.groups.toArray()).filter((g) => !only || only.includes(g.groupId));
  if (groups.length === 0) return [];
  const chains = await Promise.all(groups.map((g) => getCommitLogChain(ctx.db, g.groupId)));
  const pages = await ctx.api.queryCommitLog(
    chains.map((c) => ({ groupId: fromHex(c.groupId), cursor: BigInt(c.readCursor) })),
  );
  const found: FoundRequest[] = [];
  for (const [i, page] of pages.entries()) {
    const chain = chains[i];
    if (!chain || page.entries.length === 0) continue;
    const group = await loadGroup(ctx, chain.groupId);
    if (group && isDm(group)) {
      found.push(...(await readDmPage(ctx, chain, page.entries, group, log)));
      await putCommitLogChain(ctx.db, chain);
      continue;
    }
    const signer = group ? commitLogSignerOf(group) : undefined;
    for (const record of page.entries) {
      chain.readCursor = record.sequenceId.toString();
      const entry = signer ? verifiedEntry(record, signer.publicKey) : undefined;
      if (entry && group) {
        if (extends_(chain, entry)) await accept(ctx, chain, entry, group, log);
        continue;
      }
      const request = verifiedReaddRequest(record);
      if (request && toHex(request.groupId) === chain.groupId)
        found.push({ groupId: chain.groupId, request });
    }
    await putCommitLogChain(ctx.db, chain);
  }
  return found;
}

/** A DM's page: re-add requests first (signed by an installation too), then its members' entries. */
async function readDmPage(
  ctx: ClientContext,
  chain: CommitLogChainRow,
  records: CommitLogEntryRecord[],
  group: GroupHandle,
  log?: ReceiveLog,
): Promise<FoundRequest[]> {
  const found: FoundRequest[] = [];
  const installations = await dmInstallations(ctx, group);
  for (const record of records) {
    chain.readCursor = record.sequenceId.toString();
    const request = verifiedReaddRequest(record);
    if (request) {
      if (toHex(request.groupId) === chain.groupId) found.push({ groupId: chain.groupId, request });
      continue;
    }
    const entry = verifiedDmEntry(ctx, record, installations);
    if (entry) await acceptDmEntry(ctx, chain.groupId, entry, group, log);
  }
  return found;
}

function extends_(chain: CommitLogChainRow, e: PlaintextCommitLogEntry): boolean {
  if (toHex(e.groupId) !== chain.groupId) return false;
  if (e.commitResult !== CommitResult.APPLIED) return false;
  if (e.commitSequenceId === 0n || e.commitSequenceId <= BigInt(chain.lastCommitSequenceId))
    return false;
  if (chain.lastAuthenticator === "") return true; // the first entry starts the chain
  return (
    toHex(e.lastEpochAuthenticator) === chain.lastAuthenticator &&
    e.appliedEpochNumber === BigInt(chain.lastEpoch) + 1n
  );
}

async function accept(
  ctx: ClientContext,
  chain: CommitLogChainRow,
  e: PlaintextCommitLogEntry,
  group: GroupHandle,
  log?: ReceiveLog,
): Promise<void> {
  chain.lastCommitSequenceId = e.commitSequenceId.toString();
  chain.lastEpoch = e.appliedEpochNumber.toString();
  const remote = toHex(e.appliedEpochAuthenticator);
  chain.lastAuthenticator = remote;
  const epoch = e.appliedEpochNumber;
  if (epoch < BigInt(chain.baselineEpoch)) return;
  // Another member's word on this epoch, kept to compare with later.
  const keepRemote = () =>
    putCommitLogRow(ctx.db, {
      groupId: chain.groupId,
      side: "remote",
      epoch,
      authenticator: remote,
      commitSequenceId: e.commitSequenceId,
      toPublish: 0,
    });
  if ((await getConversation(ctx.db, chain.groupId))?.outOfSync) {
    // Already recovering: kept for the re-add welcome's check (log-verdict.ts).
    await keepRemote();
    return;
  }
  const local = await getCommitLogRow(ctx.db, chain.groupId, "local", epoch);
  if (local) {
    const forked = await compareEpoch(
      ctx,
      chain.groupId,
      epoch,
      local.authenticator,
      remote,
      BigInt(local.commitSequenceId),
      log,
    );
    if (!forked && local.toPublish === 0) await deleteCommitLogRow(ctx.db, local.key);
  } else if (epoch === group.epoch) {
    // Joined by a welcome at this epoch: the state itself is the local record.
    await compareEpoch(
      ctx,
      chain.groupId,
      epoch,
      toHex(epochAuthenticator(group)),
      remote,
      e.commitSequenceId,
      log,
    );
  } else if (epoch > group.epoch) {
    // Not there yet: compared when this installation applies that commit (local-log.ts).
    await keepRemote();
  }
}
