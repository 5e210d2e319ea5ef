// Conversation list rows. Activity (last message, preview, unread) is owned by addMessage;
// upsertConversation only creates a row or updates its descriptive fields. Rows are stored
// sealed (sealed-rows.ts); every function here returns them opened.

import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { hexId, nsKey } from "./keys";
import type { ConversationKind, ConversationRow, StoredConversationRow } from "./schema";
import { openConversation, sealConversation, sealConversationFields } from "./sealed-rows";

export interface ConversationInput {
  id: Uint8Array | string; // group id
  kind: ConversationKind;
  peerInboxId?: string;
  peerAddress?: string;
  dmId?: string;
  name?: string;
  createdAtNs: bigint;
}

const open = (db: MessengerDb) => (row: StoredConversationRow) =>
  openConversation(db.sealing.open, row);

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
  // Sealed before the transaction (WebCrypto would end it); each field is its own blob, so
  // merging is just replacing the blobs given.
  const sealed = await sealConversationFields(db.sealing.seal, id, {
    ...(c.peerAddress !== undefined ? { peerAddress: c.peerAddress.toLowerCase() } : {}),
    ...(c.name !== undefined ? { name: c.name } : {}),
  });
  const stored = await db.transaction("rw", db.conversations, async () => {
    const existing = await db.conversations.get(id);
    const row: StoredConversationRow = existing
      ? { ...existing, kind: c.kind, sealed: { ...existing.sealed, ...sealed } }
      : { id, kind: c.kind, createdAtNs, lastMessageAtNs: createdAtNs, unreadCount: 0, sealed };
    if (c.peerInboxId !== undefined) row.peerInboxId = c.peerInboxId.toLowerCase();
    if (c.dmId !== undefined) row.dmId = c.dmId;
    await db.conversations.put(row);
    return row;
  });
  return open(db)(stored);
}

export async function getConversation(
  db: MessengerDb,
  id: Uint8Array | string,
): Promise<ConversationRow | undefined> {
  const row = await db.conversations.get(hexId(id, "conversation id"));
  return row && open(db)(row);
}

/** Most recent activity first (empty conversations count from their creation). */
export async function listConversations(db: MessengerDb): Promise<ConversationRow[]> {
  const rows = await db.conversations.orderBy("lastMessageAtNs").reverse().toArray();
  return Promise.all(rows.map(open(db)));
}

/** Every group that is the same DM (racing creation makes duplicates: "stitching"). */
export async function conversationsByDmId(
  db: MessengerDb,
  dmId: string,
): Promise<ConversationRow[]> {
  const rows = await db.conversations.where("dmId").equals(dmId).toArray();
  return Promise.all(rows.map(open(db)));
}

export async function markConversationRead(
  db: MessengerDb,
  id: Uint8Array | string,
): Promise<void> {
  await db.conversations.update(hexId(id, "conversation id"), { unreadCount: 0 });
}

/**
 * Read-modify-write of whole rows (history import): `merge` sees each opened row (or
 * undefined) and returns the row to store, or undefined to leave it. Optimistic: if a row
 * changed while its replacement was sealed, the batch is merged again.
 */
export async function mergeConversations(
  db: MessengerDb,
  ids: string[],
  merge: (existing: ConversationRow | undefined, index: number) => ConversationRow | undefined,
): Promise<{ created: number }> {
  for (let attempt = 0; ; attempt++) {
    const before = await db.conversations.bulkGet(ids);
    const opened = await Promise.all(before.map((r) => (r ? open(db)(r) : undefined)));
    const next = opened.map((r, i) => merge(r, i));
    const sealed = await Promise.all(
      next.map((r) => (r ? sealConversation(db.sealing.seal, r) : undefined)),
    );
    const done = await db.transaction("rw", db.conversations, async () => {
      const now = await db.conversations.bulkGet(ids);
      if (now.some((r, i) => !sameStored(r, before[i]))) return false;
      await db.conversations.bulkPut(sealed.filter((r) => r !== undefined));
      return true;
    });
    if (done) return { created: before.filter((r) => r === undefined).length };
    if (attempt >= 5)
      throw new StorageError("invalid_argument", "conversations kept changing during the merge");
  }
}

function sameStored(a?: StoredConversationRow, b?: StoredConversationRow): boolean {
  if (!a || !b) return a === b;
  const nonces = (r: StoredConversationRow) =>
    Object.entries(r.sealed)
      .map(([k, v]) => `${k}:${v ? Array.from(v.nonce).join(".") : ""}`)
      .sort()
      .join("|");
  return (
    a.lastMessageAtNs === b.lastMessageAtNs &&
    a.unreadCount === b.unreadCount &&
    a.kind === b.kind &&
    a.dmId === b.dmId &&
    a.peerInboxId === b.peerInboxId &&
    nonces(a) === nonces(b)
  );
}
