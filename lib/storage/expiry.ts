// Disappearing messages in the database (issue 17 item 2): each message carries when it
// disappears (`expiresAtNs`, indexed from v7); the purge deletes what is due and clears a
// conversation's preview when the message it showed is gone.

import type { MessengerDb } from "./db";
import { nsKey } from "./keys";
import type { ConversationRow, StoredConversationRow, StoredMessageRow } from "./schema";
import { sealConversationFields } from "./sealed-rows";

/** When a message sent at `sentAtNs` disappears under the conversation's timer; undefined: never. */
export function expiryOf(
  conv: Pick<StoredConversationRow, "disappearing">,
  sentAtNs: string,
): string | undefined {
  const t = conv.disappearing;
  if (!t || sentAtNs < t.fromNs) return undefined; // sent before the timer was set
  return nsKey(BigInt(sentAtNs) + BigInt(t.inNs), "expiresAtNs");
}

/** The same lifetime counted from a new send time (our message, stamped by the node). */
export function movedExpiry(
  row: Pick<StoredMessageRow, "expiresAtNs" | "sentAtNs">,
  sentAtNs: string,
): Pick<StoredMessageRow, "expiresAtNs"> {
  if (!row.expiresAtNs) return {};
  const life = BigInt(row.expiresAtNs) - BigInt(row.sentAtNs);
  return { expiresAtNs: nsKey(BigInt(sentAtNs) + life, "expiresAtNs") };
}

/** Whether a row with this expiry is gone at `nowNs` (views hide it before the purge runs). */
export function isExpired(expiresAtNs: string | undefined, nowNs: bigint): boolean {
  return expiresAtNs !== undefined && BigInt(expiresAtNs) <= nowNs;
}

/** Sets or clears a conversation's timer (new messages only; stored ones keep their expiry). */
export async function setConversationTimer(
  db: MessengerDb,
  conversationId: string,
  timer: { fromNs: bigint; inNs: bigint } | undefined,
): Promise<boolean> {
  const next: ConversationRow["disappearing"] = timer
    ? { fromNs: nsKey(timer.fromNs, "fromNs"), inNs: nsKey(timer.inNs, "inNs") }
    : undefined;
  return db.transaction("rw", db.conversations, async () => {
    const conv = await db.conversations.get(conversationId);
    if (!conv) return false;
    if (JSON.stringify(conv.disappearing) === JSON.stringify(next)) return false;
    await db.conversations.update(conversationId, { disappearing: next });
    return true;
  });
}

/** What the list says where the last message disappeared (the words are gone from disk). */
export const DISAPPEARED_PREVIEW = "Messages disappeared";

/**
 * Deletes every message due at `nowNs`. A conversation whose preview showed one of them gets
 * DISAPPEARED_PREVIEW instead and no unread count (what disappeared is not left to read); its
 * place in the list stays. Returns how many messages went and from which conversations.
 */
export async function purgeExpired(
  db: MessengerDb,
  nowNs: bigint,
): Promise<{ deleted: number; conversationIds: string[] }> {
  const due = nsKey(nowNs, "nowNs");
  const dueRows = () => db.messages.where("expiresAtNs").belowOrEqual(due).toArray();
  // Sealed before the transaction (WebCrypto would end it), for every conversation concerned.
  const before = await dueRows();
  if (before.length === 0) return { deleted: 0, conversationIds: [] };
  const sealedPreview = new Map(
    await Promise.all(
      [...new Set(before.map((r) => r.conversationId))].map(
        async (id) =>
          [
            id,
            await sealConversationFields(db.sealing.seal, id, {
              lastMessagePreview: DISAPPEARED_PREVIEW,
            }),
          ] as const,
      ),
    ),
  );
  return db.transaction("rw", db.messages, db.conversations, async () => {
    const rows = await dueRows();
    await db.messages.bulkDelete(rows.map((r) => r.id));
    const ids = [...new Set(rows.map((r) => r.conversationId))];
    for (const conv of await db.conversations.bulkGet(ids)) {
      if (!conv?.lastMessageExpiresAtNs || conv.lastMessageExpiresAtNs > due) continue;
      const { lastMessagePreview: _p, lastMessageSenderInboxId: _s, ...kept } = conv.sealed;
      await db.conversations.update(conv.id, {
        sealed: { ...kept, ...sealedPreview.get(conv.id) },
        lastMessageExpiresAtNs: undefined,
        unreadCount: 0,
      });
    }
    return { deleted: rows.length, conversationIds: ids };
  });
}

/** The soonest expiry among stored messages (ns), or undefined when none will disappear. */
export async function nextExpiry(db: MessengerDb): Promise<bigint | undefined> {
  const first = await db.messages.orderBy("expiresAtNs").first();
  return first?.expiresAtNs ? BigInt(first.expiresAtNs) : undefined;
}
