// Sealed MLS group state per group. The AAD binds group id and epoch, so a state blob
// cannot be swapped into another group's row or relabelled with another epoch.
//
// From schema v4 a state is saved in two parts (lib/mls encodeGroupStateMain / ...Epoch): the
// main part in `groups`, rewritten on every send, and the ratchet tree with the past epochs
// in `groupEpochs`, rewritten only when it changed. Both seals name the epoch part's stamp,
// so a main part opens only next to the epoch part it was written with.

import { groupEpochPartPurpose, groupStateMainPurpose, groupStatePurpose } from "./purposes";
import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { hexId } from "./keys";
import { randomBytes, toHex } from "../crypto";

export interface StoredGroupState {
  groupId: string;
  /** The whole state (a row from before v4), or the main part when `epochPart` is set. */
  state: Uint8Array;
  /** The ratchet tree and past epochs (v4 rows). */
  epochPart?: Uint8Array;
  epoch: bigint;
  conversationId: string;
  updatedAt: number;
  /** Changes with every write (absent on rows from before v4). */
  stamp?: string;
  epochStamp?: string;
}

const purpose = groupStatePurpose;

const newStamp = () => toHex(randomBytes(8));

function checkEpoch(epoch: bigint): string {
  if (typeof epoch !== "bigint" || epoch < 0n)
    throw new StorageError("invalid_argument", `epoch must be a non-negative bigint`);
  return epoch.toString();
}

/** A whole state in one blob (the pre-v4 form; still read, and written by older callers). */
export async function putGroupState(
  db: MessengerDb,
  groupId: Uint8Array | string,
  state: Uint8Array,
  epoch: bigint,
  conversationId?: string,
): Promise<void> {
  const id = hexId(groupId, "groupId");
  const e = checkEpoch(epoch);
  const stateSealed = await db.sealing.seal(purpose(id, e), state);
  await db.transaction("rw", db.groups, db.groupEpochs, async () => {
    await db.groups.put({
      groupId: id,
      stateSealed,
      epoch: e,
      conversationId: conversationId ?? id,
      updatedAt: Date.now(),
      stamp: newStamp(),
    });
    await db.groupEpochs.delete(id);
  });
}

/**
 * Saves a state in two parts. `epochPart` undefined: the stored one (`keepEpochStamp`) still
 * holds, only the main part is written. Returns the stamps written.
 */
export async function putGroupStateParts(
  db: MessengerDb,
  groupId: Uint8Array | string,
  parts: { main: Uint8Array; epochPart?: Uint8Array; keepEpochStamp?: string },
  epoch: bigint,
  conversationId?: string,
): Promise<{ stamp: string; epochStamp: string }> {
  const id = hexId(groupId, "groupId");
  const e = checkEpoch(epoch);
  const epochStamp = parts.epochPart ? newStamp() : parts.keepEpochStamp;
  if (!epochStamp)
    throw new StorageError(
      "invalid_argument",
      "a main part needs its epoch part or the stamp of the stored one",
    );
  // Sealed before the transaction: IndexedDB commits a transaction left waiting on WebCrypto.
  const stateSealed = await db.sealing.seal(groupStateMainPurpose(id, e, epochStamp), parts.main);
  const dataSealed = parts.epochPart
    ? await db.sealing.seal(groupEpochPartPurpose(id, e, epochStamp), parts.epochPart)
    : undefined;
  const stamp = newStamp();
  await db.transaction("rw", db.groups, db.groupEpochs, async () => {
    if (dataSealed)
      await db.groupEpochs.put({ groupId: id, stamp: epochStamp, epoch: e, dataSealed });
    else {
      const stored = await db.groupEpochs.get(id);
      if (stored?.stamp !== epochStamp || stored.epoch !== e)
        throw new StorageError(
          "stale_state",
          `group ${id}: the stored ratchet tree is not the one this state goes with (another writer saved since)`,
        );
    }
    await db.groups.put({
      groupId: id,
      stateSealed,
      epoch: e,
      conversationId: conversationId ?? id,
      updatedAt: Date.now(),
      stamp,
      epochStamp,
    });
  });
  return { stamp, epochStamp };
}

/**
 * A token that changes with every commit the stored state took (its epoch) and whenever its
 * tree part was rewritten (a removal leaves the removed member's epoch as it was), without
 * opening the state; undefined: no state. A send does not change it.
 */
export async function groupVersionOf(
  db: MessengerDb,
  groupId: Uint8Array | string,
): Promise<string | undefined> {
  const row = await db.groups.get(hexId(groupId, "groupId"));
  return row && `${row.epoch}:${row.epochStamp ?? ""}`;
}

/** The stamps of the stored state, without opening it (undefined: no state, or a pre-v4 row). */
export async function groupStateStamp(
  db: MessengerDb,
  groupId: Uint8Array | string,
): Promise<{ stamp?: string; epochStamp?: string } | undefined> {
  const row = await db.groups.get(hexId(groupId, "groupId"));
  return row
    ? {
        ...(row.stamp ? { stamp: row.stamp } : {}),
        ...(row.epochStamp ? { epochStamp: row.epochStamp } : {}),
      }
    : undefined;
}

export async function getGroupState(
  db: MessengerDb,
  groupId: Uint8Array | string,
): Promise<StoredGroupState | undefined> {
  const id = hexId(groupId, "groupId");
  const [row, part] = await db.transaction("r", db.groups, db.groupEpochs, () =>
    Promise.all([db.groups.get(id), db.groupEpochs.get(id)]),
  );
  if (!row) return undefined;
  const out = {
    groupId: row.groupId,
    epoch: BigInt(row.epoch),
    conversationId: row.conversationId,
    updatedAt: row.updatedAt,
    ...(row.stamp ? { stamp: row.stamp } : {}),
  };
  if (row.epochStamp === undefined)
    return {
      ...out,
      state: await db.sealing.open(purpose(row.groupId, row.epoch), row.stateSealed),
    };
  if (!part || part.stamp !== row.epochStamp)
    throw new StorageError(
      "sealed_record_corrupt",
      `group ${id}: its stored ratchet tree and past epochs are missing or from another write`,
    );
  const [state, epochPart] = await Promise.all([
    db.sealing.open(groupStateMainPurpose(id, row.epoch, row.epochStamp), row.stateSealed),
    db.sealing.open(groupEpochPartPurpose(id, part.epoch, row.epochStamp), part.dataSealed),
  ]);
  return { ...out, state, epochPart, epochStamp: row.epochStamp };
}

export async function deleteGroupState(
  db: MessengerDb,
  groupId: Uint8Array | string,
): Promise<void> {
  const id = hexId(groupId, "groupId");
  await db.transaction("rw", db.groups, db.groupEpochs, async () => {
    await db.groups.delete(id);
    await db.groupEpochs.delete(id);
  });
}
