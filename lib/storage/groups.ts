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
import type { GroupEpochRow, SealedBlob } from "./schema";

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

/** A state's two parts sealed for one write (writeSealedGroupState, inside a transaction). */
export interface SealedGroupState {
  groupId: string;
  epoch: string;
  epochStamp: string;
  stateSealed: SealedBlob;
  /** Absent: the stored epoch part (epochStamp) still holds. */
  dataSealed?: SealedBlob;
  conversationId: string;
}

/**
 * Seals a state's parts before the transaction that writes them (IndexedDB commits a
 * transaction left waiting on WebCrypto). `epochPart` undefined: the stored one
 * (`keepEpochStamp`) still holds, only the main part is written.
 */
export async function sealGroupStateParts(
  db: MessengerDb,
  groupId: Uint8Array | string,
  parts: { main: Uint8Array; epochPart?: Uint8Array; keepEpochStamp?: string },
  epoch: bigint,
  conversationId?: string,
): Promise<SealedGroupState> {
  const id = hexId(groupId, "groupId");
  const e = checkEpoch(epoch);
  const epochStamp = parts.epochPart ? newStamp() : parts.keepEpochStamp;
  if (!epochStamp)
    throw new StorageError(
      "invalid_argument",
      "a main part needs its epoch part or the stamp of the stored one",
    );
  const stateSealed = await db.sealing.seal(groupStateMainPurpose(id, e, epochStamp), parts.main);
  const dataSealed = parts.epochPart
    ? await db.sealing.seal(groupEpochPartPurpose(id, e, epochStamp), parts.epochPart)
    : undefined;
  return {
    groupId: id,
    epoch: e,
    epochStamp,
    stateSealed,
    ...(dataSealed ? { dataSealed } : {}),
    conversationId: conversationId ?? id,
  };
}

/**
 * Inside a transaction over `groups` and `groupEpochs`: writes a sealed state, refusing
 * (stale_state) a main part whose epoch part is no longer the stored one. Returns the stamps.
 */
export async function writeSealedGroupState(
  db: MessengerDb,
  s: SealedGroupState,
): Promise<{ stamp: string; epochStamp: string }> {
  // Only Dexie's own promises are awaited here: after an await of anything else (a plain
  // value too) Dexie no longer knows the transaction, which then commits too early.
  if (!s.dataSealed && !epochPartOf(s, await db.groupEpochs.get(s.groupId)))
    throw new StorageError(
      "stale_state",
      `group ${s.groupId}: the stored ratchet tree is not the one this state goes with (another writer saved since)`,
    );
  return putSealedGroupState(db, s);
}

/**
 * writeSealedGroupState's read, for a caller that issues it beside its other reads: whether
 * a main part written alone goes with the stored epoch part (always, when it brings its own).
 */
export function epochPartMatches(db: MessengerDb, s: SealedGroupState): boolean | Promise<boolean> {
  if (s.dataSealed) return true;
  return db.groupEpochs.get(s.groupId).then((stored) => epochPartOf(s, stored));
}

const epochPartOf = (s: SealedGroupState, stored: GroupEpochRow | undefined) =>
  stored?.stamp === s.epochStamp && stored.epoch === s.epoch;

/** writeSealedGroupState's writes (both at once), once its read passed in this transaction. */
export async function putSealedGroupState(
  db: MessengerDb,
  s: SealedGroupState,
): Promise<{ stamp: string; epochStamp: string }> {
  const stamp = newStamp();
  const main = db.groups.put({
    groupId: s.groupId,
    stateSealed: s.stateSealed,
    epoch: s.epoch,
    conversationId: s.conversationId,
    updatedAt: Date.now(),
    stamp,
    epochStamp: s.epochStamp,
  });
  // Both requests at once (one round trip); a Dexie promise is awaited either way.
  await (s.dataSealed
    ? Promise.all([
        main,
        db.groupEpochs.put({
          groupId: s.groupId,
          stamp: s.epochStamp,
          epoch: s.epoch,
          dataSealed: s.dataSealed,
        }),
      ])
    : main);
  return { stamp, epochStamp: s.epochStamp };
}

/** Saves a state in two parts (sealGroupStateParts), in its own transaction. */
export async function putGroupStateParts(
  db: MessengerDb,
  groupId: Uint8Array | string,
  parts: { main: Uint8Array; epochPart?: Uint8Array; keepEpochStamp?: string },
  epoch: bigint,
  conversationId?: string,
): Promise<{ stamp: string; epochStamp: string }> {
  const sealed = await sealGroupStateParts(db, groupId, parts, epoch, conversationId);
  return db.transaction("rw", db.groups, db.groupEpochs, () => writeSealedGroupState(db, sealed));
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
