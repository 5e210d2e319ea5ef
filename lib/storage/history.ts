// One consistent read of what a history archive carries (device sync): read as one snapshot in
// a single transaction, then opened outside it (WebCrypto would end the transaction).

import type { MessengerDb } from "./db";
import { conversationKeyRange } from "./keys";
import type { ConsentRow, ConversationRow, MessageRow, StoredMessageRow } from "./schema";
import { openConversation, openMessage } from "./sealed-rows";

export interface HistorySnapshot {
  conversations: ConversationRow[];
  /** Per dm/group conversation, its newest `max` published messages, oldest first. */
  messages: MessageRow[];
  consent: ConsentRow[];
}

export async function historySnapshot(db: MessengerDb, max: number): Promise<HistorySnapshot> {
  const raw = await db.transaction("r", db.conversations, db.messages, db.consent, async () => {
    const conversations = await db.conversations.toArray();
    const messages: StoredMessageRow[] = [];
    for (const c of max > 0 ? conversations : []) {
      if (c.kind !== "dm" && c.kind !== "group") continue;
      const newest = await db.messages
        .where("[conversationId+sentAtNs+id]")
        .between(...conversationKeyRange(c.id))
        .reverse()
        .filter((m) => m.status === "published")
        .limit(max)
        .toArray();
      messages.push(...newest.reverse());
    }
    return { conversations, messages, consent: await db.consent.toArray() };
  });
  return {
    conversations: await Promise.all(
      raw.conversations.map((r) => openConversation(db.sealing.open, r)),
    ),
    messages: await Promise.all(raw.messages.map((r) => openMessage(db.sealing.open, r))),
    consent: raw.consent,
  };
}

/** Where a paged read of one conversation stopped (its last row read, any status). */
export interface MessageCursor {
  sentAtNs: string;
  id: string;
}

/**
 * A backup's read of one conversation: the published messages among the `limit` rows after
 * the cursor (exclusive; none: from the start), oldest first, and the cursor for the next
 * page (undefined: the end). Paged so a backup never holds a whole history in memory; each
 * page is its own read (a message arriving meanwhile may or may not be in it, never twice).
 */
export async function publishedMessagesAfter(
  db: MessengerDb,
  conversationId: string,
  after: MessageCursor | undefined,
  limit: number,
): Promise<{ messages: MessageRow[]; next: MessageCursor | undefined }> {
  const [lower, upper] = conversationKeyRange(conversationId);
  const from = after ? [conversationId, after.sentAtNs, after.id] : lower;
  const rows = await db.messages
    .where("[conversationId+sentAtNs+id]")
    .between(from, upper, !after, false)
    .limit(limit)
    .toArray();
  const published = rows.filter((m) => m.status === "published");
  const messages = await Promise.all(published.map((r) => openMessage(db.sealing.open, r)));
  const last = rows.at(-1);
  const next = rows.length === limit && last ? { sentAtNs: last.sentAtNs, id: last.id } : undefined;
  return { messages, next };
}
