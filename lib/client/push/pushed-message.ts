// A pushed message, read the way the page would read it (README "Notifications (Web Push)").
// The service worker gets only {group, id}; it fetches the envelopes this installation has
// not applied yet, up to that id, and applies them through the page's own receive path
// (applyEnvelopeLocked) under the group's Web Lock. MLS message keys are deleted once used,
// so whatever decrypts must also store: the page then finds the message in the database and
// never decrypts it again.
//
// Commits are left to the page: applying one checks identity logs, may answer leave
// requests with commits of our own and run fork recovery — work for an open app, not for a
// push handler that the browser may stop after a few seconds. So when a commit (or an epoch
// this state has not reached) stands between the cursor and the pushed message, nothing is
// applied at all and the caller shows a generic notification; the state stays exactly as it
// was, and the page applies everything in order when it opens.
import { fromHex } from "../../crypto";
import { isActive, readMessageHeader } from "../../mls";
import { getConversation, getCursor, groupTopic, messagesPage } from "../../storage";
import type { GroupMessage_V1 } from "../../proto/mls/api/v1/mls_pb";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";
import { loadGroup, withGroupLock } from "../groups/state";
import { applyEnvelopeLocked } from "../messages/receive";
import { decodeRow, previewOf } from "../messages/decode";
import type { DecodedMessage, ReceiveLog } from "../types";

/** Why a pushed message was not read here (the notification is then a generic one). */
export type UnreadableReason =
  | "unknown_conversation" // no such conversation on this installation
  | "not_allowed" // a request or a blocked conversation (the node should not have pushed)
  | "muted"
  | "out_of_sync" // the conversation waits for recovery (or a contested welcome)
  | "removed" // we are no longer a member
  | "needs_commit" // a commit comes first: the page applies it
  | "too_far_behind" // more unread envelopes than a push handler should apply
  | "not_on_node" // the node has no envelope with that id for this group
  | "not_stored"; // applied, but nothing to show (dropped, deleted, a reaction)

export type PushedRead =
  { kind: "message"; message: DecodedMessage } | { kind: "unreadable"; reason: UnreadableReason };

/** At most this many envelopes are applied for one push (one page of the node's answer). */
export const PUSH_CATCH_UP_LIMIT = 100;

/**
 * Applies this conversation's envelopes up to `nodeId` (when only application messages of
 * reachable epochs stand before it) and returns the stored message with that node id.
 */
export async function readPushedMessage(
  ctx: ClientContext,
  conversationId: string,
  nodeId: bigint,
  opts: { maxCatchUp?: number; log?: ReceiveLog } = {},
): Promise<PushedRead> {
  if (!/^[0-9a-f]{2,510}$/.test(conversationId) || conversationId.length % 2 !== 0)
    throw new ClientError(
      "invalid_argument",
      `conversationId is not lowercase hex: ${conversationId}`,
    );
  if (nodeId <= 0n)
    throw new ClientError("invalid_argument", `nodeId must be positive, got ${nodeId}`);
  const limit = opts.maxCatchUp ?? PUSH_CATCH_UP_LIMIT;
  return withGroupLock(ctx, conversationId, async () => {
    const conv = await getConversation(ctx.db, conversationId);
    if (!conv) return unreadable("unknown_conversation");
    if (conv.outOfSync || conv.contested) return unreadable("out_of_sync");
    const group = await loadGroup(ctx, conversationId);
    if (!group) return unreadable("unknown_conversation");
    if (!isActive(group)) return unreadable("removed");
    const cursor = await getCursor(ctx.db, groupTopic(conversationId));
    // From just before the pushed one even when the page already applied it: its node
    // timestamp finds the stored row.
    const from = cursor < nodeId ? cursor : nodeId - 1n;
    const envelopes = await envelopesUpTo(ctx, conversationId, from, nodeId, limit);
    if (envelopes === "too_far") return unreadable("too_far_behind");
    const pushed = envelopes.find((e) => e.id === nodeId);
    if (!pushed) return unreadable("not_on_node");
    const unapplied = envelopes.filter((e) => e.id > cursor);
    for (const env of unapplied) {
      const header = readMessageHeader(env.data);
      if (header.contentType !== "application" || header.epoch > group.epoch)
        return unreadable("needs_commit");
    }
    for (const env of unapplied) await applyEnvelopeLocked(ctx, env, opts.log);
    const rows = await messagesPage(ctx.db, conversationId, {
      beforeSentAtNs: pushed.createdNs + 1n,
      limit: 50,
    });
    const row = rows.find((r) => r.nodeId === nodeId.toString());
    if (!row || row.deleted) return unreadable("not_stored");
    const message = await decodeRow(ctx.codecs, row);
    return message.shouldPush ? { kind: "message", message } : unreadable("not_stored");
  });
}

const unreadable = (reason: UnreadableReason): PushedRead => ({ kind: "unreadable", reason });

/** The group's envelopes after `cursor` up to `last`, or "too_far" past `limit` of them. */
async function envelopesUpTo(
  ctx: ClientContext,
  conversationId: string,
  cursor: bigint,
  last: bigint,
  limit: number,
): Promise<GroupMessage_V1[] | "too_far"> {
  const out: GroupMessage_V1[] = [];
  let at = cursor;
  for (;;) {
    const page = await ctx.api.queryGroupMessages(fromHex(conversationId), { cursor: at });
    for (const env of page) {
      if (env.id > last) return out;
      if (out.length >= limit) return "too_far";
      out.push(env);
    }
    if (page.length < 100) return out;
    at = page.at(-1)!.id;
  }
}

/** A short text for a notification: the words, or what kind of thing was sent. */
export function pushedPreview(m: DecodedMessage): string {
  return previewOf(m.content, m.fallback) ?? "New message";
}
