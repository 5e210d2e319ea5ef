// Conversation list rows. Activity (last message, preview, unread) is owned by addMessage;
// upsertConversation only creates a row or updates its descriptive fields.

import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { hexId, nsKey } from "./keys";
import type { ConversationKind, ConversationRow } from "./schema";

export interface ConversationInput {
  id: Uint8Array | string; // group id
  kind: ConversationKind;
  peerInboxId?: string;
  peerAddress?: string;
  dmId?: string;
  name?: string;
  createdAtNs: bigint;
}

export async function upsertConversation(
  db: MessengerDb,
  c: ConversationInput,
): Promise<ConversationRow> {
  if (c.kind !== "dm" && c.kind !== "group" && c.kind !== "sync")
    throw new StorageError(
      "invalid_argument",
      `kind must be "dm", "group" or "sync", got ${JSON.stringify(c.kind)}`,
    );
  if (c.kind === "dm" && !c.dmId)
    throw new StorageError("invalid_argument", "a dm conversation needs dmId (dmIdFor(a, b))");
  const id = hexId(c.id, "conversation id");
  const createdAtNs = nsKey(c.createdAtNs, "createdAtNs");
  return db.transaction("rw", db.conversations, async () => {
    const existing = await db.conversations.get(id);
    const row: ConversationRow = existing
      ? { ...existing, kind: c.kind }
      : { id, kind: c.kind, createdAtNs, lastMessageAtNs: createdAtNs, unreadCount: 0 };
    if (c.peerInboxId !== undefined) row.peerInboxId = c.peerInboxId.toLowerCase();
    if (c.peerAddress !== undefined) row.peerAddress = c.peerAddress.toLowerCase();
    if (c.dmId !== undefined) row.dmId = c.dmId;
    if (c.name !== undefined) row.name = c.name;
    await db.conversations.put(row);
    return row;
  });
}

export function getConversation(
  db: MessengerDb,
  id: Uint8Array | string,
): Promise<ConversationRow | undefined> {
  return db.conversations.get(hexId(id, "conversation id"));
}

/** Most recent activity first (empty conversations count from their creation). */
export function listConversations(db: MessengerDb): Promise<ConversationRow[]> {
  return db.conversations.orderBy("lastMessageAtNs").reverse().toArray();
}

/** Every group that is the same DM (racing creation makes duplicates: "stitching"). */
export function conversationsByDmId(db: MessengerDb, dmId: string): Promise<ConversationRow[]> {
  return db.conversations.where("dmId").equals(dmId).toArray();
}

export async function markConversationRead(
  db: MessengerDb,
  id: Uint8Array | string,
): Promise<void> {
  await db.conversations.update(hexId(id, "conversation id"), { unreadCount: 0 });
}
