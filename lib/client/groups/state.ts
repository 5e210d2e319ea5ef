import { toHex } from "../../crypto";
import {
  decodeGroupState,
  encodeGroupStateEpoch,
  encodeGroupStateMain,
  epochPartChanged,
  type GroupHandle,
} from "../../mls";
import {
  deleteGroupState,
  getConversation,
  getGroupState,
  groupStateStamp,
  putGroupStateParts,
  sealGroupStateParts,
  type MessengerDb,
  type SealedGroupState,
} from "../../storage";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";
import { holdLock, holdOf, LOCK_BUSY, tryWithLock, withLock } from "../locks";

/**
 * Decoded group states this tab last loaded or saved, with the stamps of that write. At 250
 * members a state is ~0.5 MB: decoding it for every send and re-encoding it whole was most of
 * a send's time. A handle is used only while its stamp is still the stored one, so a save from
 * another tab (or another client on the same database) is always seen. Handles are immutable
 * values (lib/mls), so sharing one is safe.
 */
export interface Cached {
  group: GroupHandle;
  stamp: string;
  epochStamp: string;
}
const cache = new WeakMap<MessengerDb, Map<string, Cached>>();

function cacheOf(db: MessengerDb): Map<string, Cached> {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  return m;
}

/**
 * `known`: the stored state's stamp, when the caller already read it under the group's lock
 * (receive-reads.ts), so the cache check needs no read of its own.
 */
export async function loadGroup(
  ctx: ClientContext,
  groupId: string,
  known?: { stamp: string | undefined },
): Promise<GroupHandle | undefined> {
  const groups = cacheOf(ctx.db);
  const hit = groups.get(groupId);
  if (hit) {
    const stamp = known ? known.stamp : (await groupStateStamp(ctx.db, groupId))?.stamp;
    if (stamp === hit.stamp) return hit.group;
    groups.delete(groupId);
  }
  const stored = await getGroupState(ctx.db, groupId);
  if (!stored) return undefined;
  const group = decodeGroupState(stored.state, stored.epochPart);
  if (stored.stamp && stored.epochStamp)
    groups.set(groupId, { group, stamp: stored.stamp, epochStamp: stored.epochStamp });
  return group;
}

export async function requireGroup(ctx: ClientContext, groupId: string): Promise<GroupHandle> {
  const group = await loadGroup(ctx, groupId);
  if (!group)
    throw new ClientError("conversation_not_found", `no group state for conversation ${groupId}`);
  return group;
}

/**
 * Sealed (PROTOCOL.md §6) — the storage layer encrypts before writing. Callers hold the group's
 * lock. Only the small main part is written when the ratchet tree and past epochs are those
 * of the last save (a send moves only the secret tree's ratchets).
 */
export async function saveGroup(ctx: ClientContext, group: GroupHandle): Promise<void> {
  const id = toHex(group.groupId);
  const groups = cacheOf(ctx.db);
  const last = groups.get(id);
  groups.delete(id); // until this write is known to have landed
  const keep =
    last && last.group.epoch === group.epoch && !epochPartChanged(last.group, group)
      ? last.epochStamp
      : undefined;
  const main = encodeGroupStateMain(group);
  const write = (epochStamp?: string) =>
    putGroupStateParts(
      ctx.db,
      id,
      epochStamp
        ? { main, keepEpochStamp: epochStamp }
        : { main, epochPart: encodeGroupStateEpoch(group) },
      group.epoch,
      id,
    );
  let stamps;
  try {
    stamps = await write(keep);
  } catch (err) {
    // Another writer replaced the stored tree since this tab saw it: write both parts.
    if (!keep || (err as { code?: unknown }).code !== "stale_state") throw err;
    stamps = await write(undefined);
  }
  groups.set(id, { group, ...stamps });
}

/**
 * The decoded state this tab last loaded or saved, without asking the database whether it is
 * still the stored one: a caller that writes from it must check `stamp` in its write's
 * transaction (storage/outgoing.ts does).
 */
export function cachedGroup(ctx: ClientContext, groupId: string): Cached | undefined {
  return cacheOf(ctx.db).get(groupId);
}

/** Seals `next`, advanced from `from` without a commit, for a write in the caller's transaction. */
export function sealAdvancedGroup(
  ctx: ClientContext,
  from: Cached,
  next: GroupHandle,
): Promise<SealedGroupState> {
  const keep = from.group.epoch === next.epoch && !epochPartChanged(from.group, next);
  const main = encodeGroupStateMain(next);
  const id = toHex(next.groupId);
  return sealGroupStateParts(
    ctx.db,
    id,
    keep
      ? { main, keepEpochStamp: from.epochStamp }
      : { main, epochPart: encodeGroupStateEpoch(next) },
    next.epoch,
    id,
  );
}

/** After the caller's transaction stored `group` with these stamps: this tab's copy. */
export function noteSavedGroup(
  ctx: ClientContext,
  group: GroupHandle,
  stamps: { stamp: string; epochStamp: string },
): void {
  cacheOf(ctx.db).set(toHex(group.groupId), { group, ...stamps });
}

/** The Web Lock of one group's MLS state (the prefix is the profile's database name). */
const groupLockName = (ctx: ClientContext, groupId: string) => `${ctx.lockPrefix}:group:${groupId}`;

/** Serialises every change of one group's MLS state, across tabs and async paths. */
export function withGroupLock<T>(
  ctx: ClientContext,
  groupId: string,
  fn: () => Promise<T>,
): Promise<T> {
  return withLock(groupLockName(ctx, groupId), fn);
}

/** How long a group's lock taken ahead (holdGroupLock) is kept unused. */
export const GROUP_LOCK_HOLD_MS = 5_000;

/**
 * Takes the group's lock ahead of a send or of the next message in (locks.ts holdLock): the
 * operations that follow in this tab then do not each ask the browser for it.
 */
export function holdGroupLock(ctx: ClientContext, groupId: string): void {
  holdLock(groupLockName(ctx, groupId), GROUP_LOCK_HOLD_MS);
}

/** This tab's hold on the group's lock, while no other tab has had it since (locks.ts holdOf). */
export function groupHold(ctx: ClientContext, groupId: string): object | undefined {
  return holdOf(groupLockName(ctx, groupId));
}

/** withGroupLock, unless another tab or path holds it now (then LOCK_BUSY, fn not run). */
export function tryGroupLock<T>(
  ctx: ClientContext,
  groupId: string,
  fn: () => Promise<T>,
): Promise<T | typeof LOCK_BUSY> {
  return tryWithLock(groupLockName(ctx, groupId), fn);
}

/**
 * A group this member fell behind in takes no commit and no message until recovery; nor
 * does one whose welcome lineage is contested (groups/lineages.ts) until it is settled.
 */
export async function requireInSync(ctx: ClientContext, groupId: string): Promise<void> {
  const conv = await getConversation(ctx.db, groupId); // one read for both marks
  if (conv?.contested)
    throw new ClientError(
      "contested",
      "two different versions of this conversation reached this device; waiting for another of your devices to confirm one",
      true,
    );
  const mark = conv?.outOfSync;
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
  const id = toHex(group.groupId);
  cacheOf(ctx.db).delete(id);
  await deleteGroupState(ctx.db, id);
  await saveGroup(ctx, group);
}
