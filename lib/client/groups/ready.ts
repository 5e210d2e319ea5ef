// A send's ratchet generation, taken while the person types (lib/mls/ready-generation.ts):
// the state past it is stored before Enter, so the message leaves at once and its own write
// goes beside the request instead of in front of it (messages/send-at-once.ts).
//
// A ready generation is used only by the tab that took it, only while that tab has held the
// group's Web Lock without a break since (so no other tab has read or changed the group in
// between: locks.ts holdOf), only in the very epoch it was taken in, and once. Anything that
// marks the group as not to be sent to (out of sync, a contested lineage) drops it here as
// well (dropReady), so the checks a send's write makes are never skipped by one.
import {
  isActive,
  readyFor,
  takeGeneration,
  type GroupHandle,
  type ReadyGeneration,
} from "../../mls";
import { unfinishedCommitRows, type MessengerDb } from "../../storage";
import type { ClientContext } from "../context";
import { streamIsLive } from "../messages/live-streams";
import {
  cachedGroup,
  groupHold,
  loadGroup,
  requireInSync,
  saveGroup,
  withGroupLock,
} from "./state";

interface Ready {
  ready: ReadyGeneration;
  /** The hold it was taken under (groupHold): gone or replaced means another tab had the lock. */
  hold: object;
}

const readies = new WeakMap<MessengerDb, Map<string, Ready>>();
/** Groups whose generation is being taken now. */
const taking = new WeakMap<MessengerDb, Set<string>>();

function readiesOf(db: MessengerDb): Map<string, Ready> {
  let m = readies.get(db);
  if (!m) readies.set(db, (m = new Map()));
  return m;
}

function usable(ctx: ClientContext, groupId: string, group: GroupHandle): Ready | undefined {
  const r = readiesOf(ctx.db).get(groupId);
  if (!r) return undefined;
  if (r.hold === groupHold(ctx, groupId) && readyFor(group, r.ready)) return r;
  readiesOf(ctx.db).delete(groupId);
  return undefined;
}

/** The group's ready generation for a send from `group` (this tab's current copy), taken out. */
export function takeReady(
  ctx: ClientContext,
  groupId: string,
  group: GroupHandle,
): ReadyGeneration | undefined {
  const r = usable(ctx, groupId, group);
  readiesOf(ctx.db).delete(groupId);
  return r?.ready;
}

/** A generation taken with the state this tab just stored (under its hold). */
export function noteReady(
  ctx: ClientContext,
  groupId: string,
  ready: ReadyGeneration,
  hold: object,
): void {
  readiesOf(ctx.db).set(groupId, { ready, hold });
}

/** The group must not be sent to without the write's checks: its ready generation goes. */
export function dropReady(ctx: ClientContext, groupId: string): void {
  readiesOf(ctx.db).delete(groupId);
}

/**
 * Takes the group's next generation ahead and stores the state past it, when this tab holds
 * the group's lock (Conversations.prepareToSend took it) and nothing else must come first.
 * Quiet: a send without one simply takes the usual path.
 */
export async function takeGenerationAhead(ctx: ClientContext, groupId: string): Promise<void> {
  const cached = cachedGroup(ctx, groupId);
  if (cached && usable(ctx, groupId, cached.group)) return; // typing asks on every key
  let busy = taking.get(ctx.db);
  if (!busy) taking.set(ctx.db, (busy = new Set()));
  if (busy.has(groupId)) return;
  busy.add(groupId);
  try {
    await withGroupLock(ctx, groupId, async () => {
      const hold = groupHold(ctx, groupId);
      if (!hold || !streamIsLive(ctx)) return;
      const group = await loadGroup(ctx, groupId); // its stamp read: the stored state
      if (!group || !isActive(group) || usable(ctx, groupId, group)) return;
      await requireInSync(ctx, groupId);
      if ((await unfinishedCommitRows(ctx.db, groupId)).length > 0) return;
      const taken = await takeGeneration(group);
      await saveGroup(ctx, taken.group);
      if (groupHold(ctx, groupId) === hold) noteReady(ctx, groupId, taken.ready, hold);
    });
  } catch {
    // Out of sync, contested, no state, a failed write: the send's usual path says why.
  } finally {
    busy.delete(groupId);
  }
}
