// Messages: stored once per message ID; the conversation's activity moves in the same
// transaction so the list and the thread never disagree. Rows are stored sealed
// (sealed-rows.ts): everything is sealed before the transaction, which WebCrypto would end.

import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { conversationKeyRange, hexId, nsKey, ownBytes } from "./keys";
import type { MessageRow, MessageStatus, StoredConversationRow, StoredMessageRow } from "./schema";
import { openMessage, sealConversationFields, sealMessage } from "./sealed-rows";
import { expiryOf, movedExpiry } from "./expiry";

export interface MessageInput {
  id: string; // message ID hex
  conversationId: Uint8Array | string;
  senderInboxId: string;
  sentAtNs: bigint;
  contentType: string;
  encodedContent: Uint8Array;
  status: MessageStatus;
  nodeId?: bigint;
}

export interface AddMessageOptions {
  /** Someone else's message: counts as unread. */
  incoming?: boolean;
  /** Text for the conversation list (decoded by the caller; storage knows no codecs). */
  preview?: string;
  /** Stored for the thread, but neither unread nor the conversation's latest activity. */
  silent?: boolean;
  /** Never disappears, whatever the conversation's timer (a line about the group itself). */
  permanent?: boolean;
}

const STATUSES: readonly MessageStatus[] = ["pending", "published", "failed"];

function toRow(m: MessageInput): MessageRow {
  if (!STATUSES.includes(m.status))
    throw new StorageError(
      "invalid_argument",
      `status ${JSON.stringify(m.status)} is not pending/published/failed`,
    );
  const row: MessageRow = {
    id: hexId(m.id, "message id"),
    conversationId: hexId(m.conversationId, "conversationId"),
    senderInboxId: m.senderInboxId,
    sentAtNs: nsKey(m.sentAtNs, "sentAtNs"),
    contentType: m.contentType,
    encodedContent: ownBytes(m.encodedContent),
    status: m.status,
  };
  if (m.nodeId !== undefined) row.nodeId = m.nodeId.toString();
  return row;
}

/** A message sealed for writeSealedMessage (everything sealed before the transaction). */
export interface SealedMessage {
  /** The row as given (what the caller shows before reading it back). */
  clear: MessageRow;
  row: StoredMessageRow;
  /** The conversation's last-message fields, in case this message becomes its latest. */
  last: StoredConversationRow["sealed"];
  opts: AddMessageOptions;
}

export async function sealMessageInput(
  db: MessengerDb,
  m: MessageInput,
  opts: AddMessageOptions = {},
): Promise<SealedMessage> {
  const clear = toRow(m);
  const row = await sealMessage(db.sealing.seal, clear);
  const last = opts.silent
    ? {}
    : await sealConversationFields(db.sealing.seal, row.conversationId, {
        lastMessageSenderInboxId: m.senderInboxId,
        ...(opts.preview !== undefined ? { lastMessagePreview: opts.preview } : {}),
      });
  return { clear, row, last, opts };
}

/** Stores a sealed message in its own transaction (addMessage's write). */
export function putSealedMessage(
  db: MessengerDb,
  sealed: SealedMessage,
): Promise<{ inserted: boolean }> {
  return db.transaction("rw", db.messages, db.conversations, () => writeSealedMessage(db, sealed));
}

/**
 * Idempotent by message ID. A re-delivered message is stored once; our own pending message
 * coming back published takes the node's id and timestamp. Returns whether a row was inserted.
 */
export async function addMessage(
  db: MessengerDb,
  m: MessageInput,
  opts: AddMessageOptions = {},
): Promise<{ inserted: boolean }> {
  return putSealedMessage(db, await sealMessageInput(db, m, opts));
}

/** addMessage's write, inside a transaction over `messages` and `conversations`. */
export async function writeSealedMessage(
  db: MessengerDb,
  { row, last, opts }: SealedMessage,
): Promise<{ inserted: boolean }> {
  // Both reads in one round trip to the IndexedDB backend (a send or a receive waits on each).
  const [conv, existing] = await Promise.all([
    db.conversations.get(row.conversationId),
    db.messages.get(row.id),
  ]);
  if (!conv)
    throw new StorageError("not_found", `conversation ${row.conversationId} does not exist`);
  let inserted = false;
  let effective = row;
  let write: Promise<unknown>;
  if (!existing) {
    // The timer in force when the message is stored (receive runs in node order, so every
    // member reads the same one), counted from its send time.
    const expiresAtNs = opts.permanent ? undefined : expiryOf(conv, row.sentAtNs);
    if (expiresAtNs) row.expiresAtNs = expiresAtNs;
    write = db.messages.add(row);
    inserted = true;
  } else if (existing.status !== "published" && row.status === "published") {
    effective = {
      ...existing,
      status: "published",
      sentAtNs: row.sentAtNs,
      ...(row.nodeId ? { nodeId: row.nodeId } : {}),
      ...movedExpiry(existing, row.sentAtNs),
    };
    write = db.messages.put(effective);
  } else {
    return { inserted: false };
  }
  if (opts.silent) {
    await write;
    return { inserted };
  }
  const patch: Partial<typeof conv> = {};
  if (effective.sentAtNs >= conv.lastMessageAtNs) {
    patch.lastMessageAtNs = effective.sentAtNs;
    patch.sealed = { ...conv.sealed, ...last };
    // undefined removes the field (Dexie): the preview of a kept message never expires.
    patch.lastMessageExpiresAtNs = effective.expiresAtNs;
  }
  if (inserted && opts.incoming) patch.unreadCount = conv.unreadCount + 1;
  // The conversation row was read in this transaction: it is put back changed beside the
  // message's write (if that fails, the transaction aborts both), one round trip where
  // Dexie's update() would read it again after the message's write.
  await (Object.keys(patch).length
    ? Promise.all([write, db.conversations.put(patched(conv, patch))])
    : write);
  return { inserted };
}

/** `row` with `patch` applied as Dexie's update() does: an undefined value removes the field. */
function patched<T extends object>(row: T, patch: Partial<T>): T {
  const next = { ...row, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete next[k as keyof T];
  return next;
}

const open = (db: MessengerDb) => (row: StoredMessageRow) => openMessage(db.sealing.open, row);

export async function getMessage(db: MessengerDb, id: string): Promise<MessageRow | undefined> {
  const row = await db.messages.get(hexId(id, "message id"));
  return row && open(db)(row);
}

/**
 * A send's last write, once the node took the message: its intent (when still to publish)
 * and its row marked published in ONE transaction, the row returned opened. Three separate
 * writes here each re-ran the thread's and the list's live queries on the sender's path.
 */
export async function markPublished(
  db: MessengerDb,
  id: string,
  intent?: { id: number; attempts: number },
): Promise<MessageRow | undefined> {
  const key = hexId(id, "message id");
  const stored = await db.transaction("rw", db.messages, db.intents, async () => {
    if (intent) {
      const n = await db.intents.update(intent.id, {
        status: "published",
        attempts: intent.attempts,
      });
      if (n === 0) throw new StorageError("not_found", `intent ${intent.id} does not exist`);
    }
    const row = await db.messages.get(key);
    if (row && row.status !== "published") {
      row.status = "published";
      await db.messages.put(row);
    }
    return row;
  });
  return stored && open(db)(stored);
}

/** Messages in a status (the outbox's pending and failed ones), any conversation. */
export async function messagesWithStatus(
  db: MessengerDb,
  status: MessageStatus,
): Promise<MessageRow[]> {
  const rows = await db.messages.where("status").equals(status).toArray();
  return Promise.all(rows.map(open(db)));
}

/** Adds the messages whose id is absent (history import); never changes a stored one. */
export async function importMessages(db: MessengerDb, rows: MessageRow[]): Promise<number> {
  const sealed = await Promise.all(rows.map((r) => sealMessage(db.sealing.seal, r)));
  return db.transaction("rw", db.messages, async () => {
    const existing = await db.messages.bulkGet(sealed.map((m) => m.id));
    const fresh = sealed.filter((_, i) => existing[i] === undefined);
    await db.messages.bulkAdd(fresh);
    return fresh.length;
  });
}

/**
 * The `limit` messages just before the cursor (exclusive), oldest first. Pass the first
 * row's sentAtNs (and id, to page through equal timestamps) to get the previous page.
 */
export async function messagesPage(
  db: MessengerDb,
  conversationId: Uint8Array | string,
  page: { beforeSentAtNs?: bigint; beforeId?: string; limit: number },
): Promise<MessageRow[]> {
  return Promise.all((await storedMessagesPage(db, conversationId, page)).map(open(db)));
}

/**
 * messagesPage's rows as stored, still sealed: for a caller that keeps what it opened
 * before (sameStoredMessage) and opens only the rows that changed (openStoredMessage).
 */
export async function storedMessagesPage(
  db: MessengerDb,
  conversationId: Uint8Array | string,
  page: { beforeSentAtNs?: bigint; beforeId?: string; limit: number },
): Promise<StoredMessageRow[]> {
  const cid = hexId(conversationId, "conversationId");
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > 1000) {
    throw new StorageError(
      "invalid_argument",
      `limit must be an integer in 1..1000, got ${page.limit}`,
    );
  }
  const [lower, end] = conversationKeyRange(cid);
  let upper: unknown[] = end;
  if (page.beforeSentAtNs !== undefined) {
    const s = nsKey(page.beforeSentAtNs, "beforeSentAtNs");
    upper = page.beforeId === undefined ? [cid, s] : [cid, s, hexId(page.beforeId, "beforeId")];
  }
  const rows = await db.messages
    .where("[conversationId+sentAtNs+id]")
    .between(lower, upper, true, false)
    .reverse()
    .limit(page.limit)
    .toArray();
  return rows.reverse();
}

export function openStoredMessage(db: MessengerDb, row: StoredMessageRow): Promise<MessageRow> {
  return open(db)(row);
}

/**
 * Whether two stored rows are the same version of a message: equal clear fields and
 * byte-for-byte the same sealed blob, so what one opened to (and authenticated as) is what
 * the other would. A re-sealed, edited or tampered row is never the same.
 */
export function sameStoredMessage(a: StoredMessageRow, b: StoredMessageRow): boolean {
  const { sealed: sa, ...ca } = a;
  const { sealed: sb, ...cb } = b;
  return (
    sa.v === sb.v &&
    sameBytes(sa.nonce, sb.nonce) &&
    sameBytes(sa.ct, sb.ct) &&
    JSON.stringify(ca) === JSON.stringify(cb)
  );
}

function sameBytes(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

export async function setMessageStatus(
  db: MessengerDb,
  id: string,
  status: MessageStatus,
  extra: { nodeId?: bigint; sentAtNs?: bigint } = {},
): Promise<void> {
  await writeMessageStatus(db, id, status, extra);
}

/** setMessageStatus's write; inside a caller's transaction over `messages` it joins it. */
export async function writeMessageStatus(
  db: MessengerDb,
  id: string,
  status: MessageStatus,
  extra: { nodeId?: bigint; sentAtNs?: bigint } = {},
): Promise<void> {
  if (!STATUSES.includes(status))
    throw new StorageError(
      "invalid_argument",
      `status ${JSON.stringify(status)} is not pending/published/failed`,
    );
  const patch: Partial<StoredMessageRow> = { status };
  if (extra.nodeId !== undefined) patch.nodeId = extra.nodeId.toString();
  if (extra.sentAtNs !== undefined) patch.sentAtNs = nsKey(extra.sentAtNs, "sentAtNs");
  const n = await db.messages
    .where(":id")
    .equals(hexId(id, "message id"))
    .modify((row) => {
      // The node's time replaces ours: the message lives as long, counted from it.
      if (patch.sentAtNs !== undefined) Object.assign(row, movedExpiry(row, patch.sentAtNs));
      Object.assign(row, patch);
    });
  if (n === 0) throw new StorageError("not_found", `message ${id} does not exist`);
}

/**
 * Whether `senderInboxId` sent a message of `contentType` among the thread's last `window`
 * messages. Sender and type are sealed, so rows are opened newest first, a batch at a time.
 */
export async function hasRecentMessageOfType(
  db: MessengerDb,
  conversationId: string,
  senderInboxId: string,
  contentType: string,
  window = 1000,
): Promise<boolean> {
  const cid = hexId(conversationId, "conversationId");
  const rows = await db.messages
    .where("[conversationId+sentAtNs+id]")
    .between(...conversationKeyRange(cid))
    .reverse()
    .limit(window)
    .toArray();
  for (let at = 0; at < rows.length; at += 100) {
    const opened = await Promise.all(rows.slice(at, at + 100).map(open(db)));
    if (opened.some((m) => m.senderInboxId === senderInboxId && m.contentType === contentType))
      return true;
  }
  return false;
}

/** Every stored message, opened (building the in-memory search index: nothing plain is on disk). */
export async function allMessages(db: MessengerDb): Promise<MessageRow[]> {
  const rows = await db.messages.toArray();
  return Promise.all(rows.map(open(db)));
}
