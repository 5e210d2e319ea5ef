// Pinned and archived conversations (issue 17 item 6) on the identity row, keyed by
// conversation id (a DM's dm: id). Each choice carries its time: devices exchange them
// through the SYNC group and merge last-writer-wins per choice, so they converge.
import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { nsKey } from "./keys";
import type { ConversationPrefRow, PrefChoice } from "./schema";

export type PrefField = "pinned" | "archived";
export type ConversationPrefs = Record<string, ConversationPrefRow>;

/** One choice as devices exchange it. */
export interface PrefUpdate {
  /** Conversation id, or a DM's dm: id. */
  key: string;
  field: PrefField;
  on: boolean;
  atNs: bigint;
}

/** Every choice made on this inbox's devices (a Dexie read: live queries follow it). */
export async function loadConversationPrefs(db: MessengerDb): Promise<ConversationPrefs> {
  return (await db.identity.get("self"))?.conversationPrefs ?? {};
}

/** Applies the updates newer than what is stored; returns those that changed something. */
export async function mergeConversationPrefs(
  db: MessengerDb,
  updates: PrefUpdate[],
): Promise<PrefUpdate[]> {
  return db.transaction("rw", db.identity, async () => {
    const row = await db.identity.get("self");
    if (!row) throw new StorageError("not_found", "no identity saved in this database");
    const prefs: ConversationPrefs = { ...row.conversationPrefs };
    const applied: PrefUpdate[] = [];
    for (const u of updates) {
      const entry = { ...prefs[u.key] };
      const atNs = nsKey(u.atNs, "atNs");
      const had: PrefChoice | undefined = entry[u.field];
      if (had && had.atNs >= atNs) continue; // ours is as new: ties keep what is stored
      entry[u.field] = { on: u.on, atNs };
      prefs[u.key] = entry;
      applied.push(u);
    }
    if (applied.length > 0) await db.identity.update("self", { conversationPrefs: prefs });
    return applied;
  });
}

/** Every stored choice as updates (what a device hands the inbox's others). */
export function prefUpdatesOf(prefs: ConversationPrefs): PrefUpdate[] {
  const out: PrefUpdate[] = [];
  for (const [key, row] of Object.entries(prefs))
    for (const field of ["pinned", "archived"] as const) {
      const c = row[field];
      if (c) out.push({ key, field, on: c.on, atNs: BigInt(c.atNs) });
    }
  return out;
}
