// A page of a conversation's history, newest last, decoded. Reads the messages table only, so
// a Dexie live query around it re-runs when that thread's messages change, not on every
// conversation-row write (previews, unread counts) as it would through the conversation.
import { isExpired, messagesPage } from "../../storage";
import type { ClientContext } from "../context";
import type { DecodedMessage } from "../types";
import { decodeRow } from "./decode";

export async function messagesOf(
  ctx: ClientContext,
  conversationId: string,
  opts: { limit?: number; beforeNs?: bigint } = {},
): Promise<DecodedMessage[]> {
  const rows = await messagesPage(ctx.db, conversationId, {
    limit: opts.limit ?? 1000,
    ...(opts.beforeNs !== undefined ? { beforeSentAtNs: opts.beforeNs } : {}),
  });
  // Due but not purged yet (the app was closed, the purge is a moment away): never shown.
  const now = BigInt(Date.now()) * 1_000_000n;
  const live = rows.filter((r) => !isExpired(r.expiresAtNs, now));
  return Promise.all(live.map((r) => decodeRow(ctx.codecs, r)));
}
