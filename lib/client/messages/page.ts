// A page of a conversation's history, newest last, decoded. Reads the messages table only, so
// a Dexie live query around it re-runs when that thread's messages change, not on every
// conversation-row write (previews, unread counts) as it would through the conversation.
//
// A thread's live query re-reads its newest messages after every message sent or received
// there. What it opened and decoded the time before is kept (per conversation, only the rows
// of its last read): a row stored exactly as then gives back the same DecodedMessage object —
// no AES open, no decoding, and the view's memoised bubble is not drawn again. Each read
// replaces the kept rows, so a deleted or expired message leaves memory with the next one.
import {
  isExpired,
  openStoredMessage,
  sameStoredMessage,
  storedMessagesPage,
  type StoredMessageRow,
} from "../../storage";
import type { ClientContext } from "../context";
import type { DecodedMessage } from "../types";
import { decodeRow } from "./decode";

interface Opened {
  stored: StoredMessageRow;
  message: DecodedMessage;
}

/** Threads whose last read is kept (a person switches between a few). */
const KEPT_THREADS = 8;
const kept = new WeakMap<ClientContext, Map<string, Map<string, Opened>>>();

export async function messagesOf(
  ctx: ClientContext,
  conversationId: string,
  opts: { limit?: number; beforeNs?: bigint } = {},
): Promise<DecodedMessage[]> {
  const rows = await storedMessagesPage(ctx.db, conversationId, {
    limit: opts.limit ?? 1000,
    ...(opts.beforeNs !== undefined ? { beforeSentAtNs: opts.beforeNs } : {}),
  });
  // Due but not purged yet (the app was closed, the purge is a moment away): never shown.
  const now = BigInt(Date.now()) * 1_000_000n;
  const live = rows.filter((r) => !isExpired(r.expiresAtNs, now));
  const open = async (stored: StoredMessageRow) =>
    decodeRow(ctx.codecs, await openStoredMessage(ctx.db, stored));
  // Older pages are read once, as the reader scrolls: only the newest (live) window is kept.
  if (opts.beforeNs !== undefined) return Promise.all(live.map(open));

  const threads = kept.get(ctx) ?? new Map<string, Map<string, Opened>>();
  kept.set(ctx, threads);
  const before = threads.get(conversationId);
  const read = new Map<string, Opened>();
  const messages = await Promise.all(
    live.map(async (stored) => {
      const had = before?.get(stored.id);
      const message =
        had && sameStoredMessage(had.stored, stored)
          ? had.message
          : (ctx.arrivals.take(stored) ?? (await open(stored))); // shown before it was stored
      read.set(stored.id, { stored, message });
      return message;
    }),
  );
  threads.delete(conversationId); // re-inserted last: the most recently read
  threads.set(conversationId, read);
  for (const id of threads.keys()) {
    if (threads.size <= KEPT_THREADS) break;
    threads.delete(id);
  }
  return messages;
}
