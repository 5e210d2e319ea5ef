// Delete for everyone (and an edit's preview), on this device: the message's content is erased, not hidden (its text,
// file keys and URLs are resealed away), and its annotations (edits, reactions) are removed.
// Whether the deletion is allowed is the client's rule (lib/client/messages/content-rules.ts).

import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { hexId, nsKey } from "./keys";
import type { MessageRow, StoredMessageRow } from "./schema";
import { openMessage, sealConversationFields, sealMessage } from "./sealed-rows";

/** What the conversation list shows when the latest message was deleted. */
export const DELETED_PREVIEW = "This message was deleted";

export async function markMessageDeleted(
  db: MessengerDb,
  id: string,
  deletion: { atNs: bigint; byAdmin: boolean },
): Promise<void> {
  const stored = await db.messages.get(hexId(id, "message id"));
  if (!stored) throw new StorageError("not_found", `message ${id} does not exist`);
  const row = await openMessage(db.sealing.open, stored);
  const erased: MessageRow = {
    ...row,
    encodedContent: new Uint8Array(0),
    deleted: { atNs: nsKey(deletion.atNs, "atNs"), byAdmin: deletion.byAdmin },
  };
  const sealed = await sealMessage(db.sealing.seal, erased);
  const preview = await sealConversationFields(db.sealing.seal, row.conversationId, {
    lastMessagePreview: DELETED_PREVIEW,
  });
  await db.transaction("rw", db.messages, db.conversations, async () => {
    await db.messages.put(sealed);
    const conv = await db.conversations.get(row.conversationId);
    // The list must not keep quoting what was deleted.
    if (conv && conv.lastMessageAtNs === row.sentAtNs)
      await db.conversations.update(conv.id, { sealed: { ...conv.sealed, ...preview } });
  });
}

/** A conversation's messages from `fromSentAtNs` on (inclusive), oldest first, opened. */
export async function messagesFrom(
  db: MessengerDb,
  conversationId: string,
  fromSentAtNs: string,
  limit = 5000,
): Promise<MessageRow[]> {
  const cid = hexId(conversationId, "conversationId");
  const rows: StoredMessageRow[] = await db.messages
    .where("[conversationId+sentAtNs+id]")
    .between([cid, fromSentAtNs], [cid, []], true, false)
    .limit(limit)
    .toArray();
  return Promise.all(rows.map((r) => openMessage(db.sealing.open, r)));
}

/** Removes rows outright (annotations of a deleted message). */
export async function removeMessages(db: MessengerDb, ids: string[]): Promise<void> {
  await db.messages.bulkDelete(ids.map((id) => hexId(id, "message id")));
}

/** The list's preview follows an edit of the conversation's latest message. */
export async function setPreviewIfLatest(
  db: MessengerDb,
  conversationId: string,
  sentAtNs: string,
  preview: string,
): Promise<void> {
  const sealed = await sealConversationFields(db.sealing.seal, conversationId, {
    lastMessagePreview: preview,
  });
  await db.transaction("rw", db.conversations, async () => {
    const conv = await db.conversations.get(conversationId);
    if (conv && conv.lastMessageAtNs === sentAtNs)
      await db.conversations.update(conv.id, { sealed: { ...conv.sealed, ...sealed } });
  });
}
