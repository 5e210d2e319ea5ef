// Sealed MLS group state per group. The AAD binds group id and epoch, so a state blob
// cannot be swapped into another group's row or relabelled with another epoch.

import { groupStatePurpose } from "./purposes";
import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { hexId } from "./keys";

export interface StoredGroupState {
  groupId: string;
  state: Uint8Array;
  epoch: bigint;
  conversationId: string;
  updatedAt: number;
}

const purpose = groupStatePurpose;

export async function putGroupState(
  db: MessengerDb,
  groupId: Uint8Array | string,
  state: Uint8Array,
  epoch: bigint,
  conversationId?: string,
): Promise<void> {
  const id = hexId(groupId, "groupId");
  if (typeof epoch !== "bigint" || epoch < 0n)
    throw new StorageError("invalid_argument", `epoch must be a non-negative bigint`);
  const e = epoch.toString();
  const stateSealed = await db.sealing.seal(purpose(id, e), state);
  await db.groups.put({
    groupId: id,
    stateSealed,
    epoch: e,
    conversationId: conversationId ?? id,
    updatedAt: Date.now(),
  });
}

export async function getGroupState(
  db: MessengerDb,
  groupId: Uint8Array | string,
): Promise<StoredGroupState | undefined> {
  const row = await db.groups.get(hexId(groupId, "groupId"));
  if (!row) return undefined;
  return {
    groupId: row.groupId,
    state: await db.sealing.open(purpose(row.groupId, row.epoch), row.stateSealed),
    epoch: BigInt(row.epoch),
    conversationId: row.conversationId,
    updatedAt: row.updatedAt,
  };
}

export async function deleteGroupState(
  db: MessengerDb,
  groupId: Uint8Array | string,
): Promise<void> {
  await db.groups.delete(hexId(groupId, "groupId"));
}
