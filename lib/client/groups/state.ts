import { toHex } from "../../crypto";
import { decodeGroupState, encodeGroupState, type GroupHandle } from "../../mls";
import {
  deleteGroupState,
  getConversation,
  getGroupState,
  outOfSyncOf,
  putGroupState,
} from "../../storage";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";
import { withLock } from "../locks";

export async function loadGroup(
  ctx: ClientContext,
  groupId: string,
): Promise<GroupHandle | undefined> {
  const stored = await getGroupState(ctx.db, groupId);
  return stored ? decodeGroupState(stored.state) : undefined;
}

export async function requireGroup(ctx: ClientContext, groupId: string): Promise<GroupHandle> {
  const group = await loadGroup(ctx, groupId);
  if (!group)
    throw new ClientError("conversation_not_found", `no group state for conversation ${groupId}`);
  return group;
}

/** Sealed (PROTOCOL.md §6) — the storage layer encrypts before writing. */
export async function saveGroup(ctx: ClientContext, group: GroupHandle): Promise<void> {
  const id = toHex(group.groupId);
  await putGroupState(ctx.db, id, encodeGroupState(group), group.epoch, id);
}

/** Serialises every change of one group's MLS state, across tabs and async paths. */
export function withGroupLock<T>(
  ctx: ClientContext,
  groupId: string,
  fn: () => Promise<T>,
): Promise<T> {
  return withLock(`${ctx.lockPrefix}:group:${groupId}`, fn);
}

/**
 * A group this member fell behind in takes no commit and no message until recovery; nor
 * does one whose welcome lineage is contested (groups/lineages.ts) until it is settled.
 */
export async function requireInSync(ctx: ClientContext, groupId: string): Promise<void> {
  if ((await getConversation(ctx.db, groupId))?.contested)
    throw new ClientError(
      "contested",
      "two different versions of this conversation reached this device; waiting for another of your devices to confirm one",
      true,
    );
  const mark = await outOfSyncOf(ctx.db, groupId);
  if (mark)
    throw new ClientError(
      "out_of_sync",
      `this conversation is out of sync since envelope ${mark.sinceNodeId}: ${mark.reason}`,
      true,
    );
}

/**
 * Replaces the stored state by one of another lineage of the same group id (a welcome that
 * won, groups/lineages.ts): its epoch may be lower, so this is not a saveGroup.
 */
export async function replaceGroup(ctx: ClientContext, group: GroupHandle): Promise<void> {
  await deleteGroupState(ctx.db, toHex(group.groupId));
  await saveGroup(ctx, group);
}
