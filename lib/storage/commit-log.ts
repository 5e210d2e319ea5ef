// The commit log as this installation keeps it (schema v5, see CommitLogRow): what it
// reached at each epoch, what the group's published log says, and the entries a super
// admin still has to publish. Written in the receive path (one put), read off it.
import type { MessengerDb } from "./db";
import { nsKey } from "./keys";
import type { CommitLogChainRow, CommitLogRow } from "./schema";

const keyOf = (groupId: string, side: CommitLogRow["side"], epoch: bigint) =>
  `${groupId}:${side}:${nsKey(epoch, "epoch")}`;

export async function putCommitLogRow(
  db: MessengerDb,
  row: Omit<CommitLogRow, "key" | "epoch" | "commitSequenceId"> & {
    epoch: bigint;
    commitSequenceId: bigint;
  },
): Promise<void> {
  await db.commitLog.put({
    ...row,
    key: keyOf(row.groupId, row.side, row.epoch),
    epoch: row.epoch.toString(),
    commitSequenceId: row.commitSequenceId.toString(),
  });
}

export async function getCommitLogRow(
  db: MessengerDb,
  groupId: string,
  side: CommitLogRow["side"],
  epoch: bigint,
): Promise<CommitLogRow | undefined> {
  return db.commitLog.get(keyOf(groupId, side, epoch));
}

export async function deleteCommitLogRow(db: MessengerDb, key: string): Promise<void> {
  await db.commitLog.delete(key);
}

/** Entries waiting for the node, oldest epoch first within a group. */
export async function commitLogToPublish(db: MessengerDb, limit = 100): Promise<CommitLogRow[]> {
  const rows = await db.commitLog.where("toPublish").equals(1).limit(limit).toArray();
  return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export async function markCommitLogPublished(db: MessengerDb, keys: string[]): Promise<void> {
  await db.transaction("rw", db.commitLog, async () => {
    for (const key of keys) await db.commitLog.update(key, { toPublish: 0 });
  });
}

/**
 * Drops the group's rows below `fromEpoch`, local and remote, except entries a super admin
 * still has to publish (the group's chain needs every one). Without it, rows a published
 * entry never matched (no super admin online, a chain broken by a bad entry) stay for ever.
 */
export async function pruneCommitLog(
  db: MessengerDb,
  groupId: string,
  fromEpoch: bigint,
): Promise<number> {
  if (fromEpoch <= 0n) return 0;
  let deleted = 0;
  for (const side of ["local", "remote"] as const) {
    deleted += await db.commitLog
      .where(":id")
      .between(keyOf(groupId, side, 0n), keyOf(groupId, side, fromEpoch), true, false)
      .filter((r) => r.toPublish === 0)
      .delete();
  }
  return deleted;
}

/**
 * After a re-add: the old state's epochs mean nothing any more; compare from `epoch` on.
 * What the group's log said about epochs from there on stays: the new state is compared
 * with it as it reaches them.
 */
export async function resetCommitLog(
  db: MessengerDb,
  groupId: string,
  baselineEpoch: bigint,
): Promise<void> {
  await db.transaction("rw", db.commitLog, db.commitLogChains, async () => {
    await db.commitLog
      .where("groupId")
      .equals(groupId)
      .filter((r) => r.side === "local" || BigInt(r.epoch) < baselineEpoch)
      .delete();
    const chain = await db.commitLogChains.get(groupId);
    if (chain) await db.commitLogChains.put({ ...chain, baselineEpoch: baselineEpoch.toString() });
  });
}

export async function getCommitLogChain(
  db: MessengerDb,
  groupId: string,
): Promise<CommitLogChainRow> {
  return (
    (await db.commitLogChains.get(groupId)) ?? {
      groupId,
      readCursor: "0",
      lastCommitSequenceId: "0",
      lastEpoch: "0",
      lastAuthenticator: "",
      baselineEpoch: "0",
    }
  );
}

/**
 * Saves the reading position. The baseline and the answered requests are written by others
 * (resetCommitLog, markReaddServed) while a read holds an older copy of the row: the stored
 * ones are kept.
 */
export async function putCommitLogChain(db: MessengerDb, row: CommitLogChainRow): Promise<void> {
  await db.transaction("rw", db.commitLogChains, async () => {
    const stored = await db.commitLogChains.get(row.groupId);
    await db.commitLogChains.put({
      ...row,
      baselineEpoch: stored?.baselineEpoch ?? row.baselineEpoch,
      servedReadds: stored?.servedReadds,
    });
  });
}

/** The re-add request of `installation` made at `requestedAtNs` was answered: it and older ones are spent. */
export async function markReaddServed(
  db: MessengerDb,
  groupId: string,
  installation: string,
  requestedAtNs: bigint,
): Promise<void> {
  await db.transaction("rw", db.commitLogChains, async () => {
    const chain = await getCommitLogChain(db, groupId);
    const served = { ...chain.servedReadds };
    if (BigInt(served[installation] ?? "0") >= requestedAtNs) return;
    served[installation] = requestedAtNs.toString();
    await db.commitLogChains.put({ ...chain, servedReadds: served });
  });
}

/** The requested_at (ns) of the newest answered re-add request of `installation`, 0 if none. */
export async function readdServedUpTo(
  db: MessengerDb,
  groupId: string,
  installation: string,
): Promise<bigint> {
  const chain = await db.commitLogChains.get(groupId);
  return BigInt(chain?.servedReadds?.[installation] ?? "0");
}
