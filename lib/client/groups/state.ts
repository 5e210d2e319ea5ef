import { toHex } from "../../crypto";
import { decodeGroupState, encodeGroupState, type GroupHandle } from "../../mls";
import { getGroupState, outOfSyncOf, putGroupState } from "../../storage";
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

/** A group this member fell behind in takes no commit and no message until recovery. */
export async function requireInSync(ctx: ClientContext, groupId: string): Promise<void> {
  const mark = await outOfSyncOf(ctx.db, groupId);
  if (mark)
    throw new ClientError(
      "out_of_sync",
      `this conversation is out of sync since envelope ${mark.sinceNodeId}: ${mark.reason}`,
      true,
    );
}
