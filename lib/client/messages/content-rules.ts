// Who may delete or edit a message (issue 17 item 1), checked by the sender before sending
// and by EVERY receiver before anything changes: a delete by the message's sender or a super
// admin of the group (libxmtp's rule), an edit by the sender only, never of a deleted
// message. A message that breaks them is dropped with a diagnostic and changes nothing.
import {
  ContentTypeDeleteMessage,
  ContentTypeEditMessage,
  ContentTypeInviteControl,
  contentTypeToString,
  type DecodedContent,
  type DeleteMessageContent,
  type EditMessageContent,
} from "../../content";
import { roleOf, type GroupHandle } from "../../mls";
import {
  getConversation,
  getMessage,
  markMessageDeleted,
  messagesFrom,
  removeMessages,
  setPreviewIfLatest,
  type MessageRow,
} from "../../storage";
import type { ClientContext } from "../context";
import { contextOf } from "../groups/plans";
import { previewOf } from "./decode";

export const DELETE_MESSAGE = contentTypeToString(ContentTypeDeleteMessage);
export const EDIT_MESSAGE = contentTypeToString(ContentTypeEditMessage);
const INVITE_CONTROL = contentTypeToString(ContentTypeInviteControl);

// What a person wrote can be deleted; what annotates it or the group cannot (as in libxmtp:
// system lines, reactions, receipts, deletes and edits are not deletable).
const NOT_DELETABLE = new Set([
  "xmtp.org/group_updated:1.0",
  "xmtp.org/leave_request:1.0",
  "xmtp.org/reaction:1.0",
  "xmtp.org/reaction:2.0",
  "xmtp.org/readReceipt:1.0",
  DELETE_MESSAGE,
  EDIT_MESSAGE,
  INVITE_CONTROL,
]);
const EDITABLE = new Set(["xmtp.org/text:1.0", "xmtp.org/markdown:1.0"]);

export type ContentRuleCode =
  | "unknown_target"
  | "not_deletable"
  | "delete_not_allowed"
  | "not_editable"
  | "edit_not_allowed"
  | "already_deleted"
  | "invite_control_not_allowed";

export type Verdict =
  | { allowed: true; target: MessageRow; byAdmin: boolean }
  | { allowed: false; code: ContentRuleCode; reason: string };

const no = (code: ContentRuleCode, reason: string): Verdict => ({ allowed: false, code, reason });

async function targetIn(
  ctx: ClientContext,
  conversationId: string,
  messageId: string,
): Promise<MessageRow | undefined> {
  const target = await getMessage(ctx.db, messageId).catch(() => undefined);
  // Another conversation's message is as unknown here as a missing one.
  return target?.conversationId === conversationId ? target : undefined;
}

/** Whether `inboxId` may delete `messageId` in this conversation (group: the epoch's roles). */
export async function deletionVerdict(
  ctx: ClientContext,
  conversationId: string,
  inboxId: string,
  messageId: string,
  group: GroupHandle,
): Promise<Verdict> {
  const target = await targetIn(ctx, conversationId, messageId);
  if (!target) return no("unknown_target", `message ${messageId} is not in this conversation`);
  if (target.deleted) return no("already_deleted", `message ${messageId} was already deleted`);
  if (NOT_DELETABLE.has(target.contentType))
    return no("not_deletable", `a ${target.contentType} message cannot be deleted`);
  if (target.senderInboxId === inboxId) return { allowed: true, target, byAdmin: false };
  const conversation = await getConversation(ctx.db, conversationId);
  if (conversation?.kind === "group" && roleOf(contextOf(group), inboxId) === "super_admin")
    return { allowed: true, target, byAdmin: true };
  return no(
    "delete_not_allowed",
    `only the sender or a super admin of the group may delete message ${messageId}`,
  );
}

/** Whether `inboxId` may edit `messageId`: the sender, a text or markdown message, not deleted. */
export async function editVerdict(
  ctx: ClientContext,
  conversationId: string,
  inboxId: string,
  messageId: string,
): Promise<Verdict> {
  const target = await targetIn(ctx, conversationId, messageId);
  if (!target) return no("unknown_target", `message ${messageId} is not in this conversation`);
  if (target.deleted) return no("already_deleted", `message ${messageId} was deleted`);
  if (target.senderInboxId !== inboxId)
    return no("edit_not_allowed", `only the sender may edit message ${messageId}`);
  if (!EDITABLE.has(target.contentType))
    return no("not_editable", `a ${target.contentType} message cannot be edited`);
  return { allowed: true, target, byAdmin: false };
}

/**
 * Erases the target's content and removes what annotates it (its edits, whose text it
 * carried, and reactions), all on this device.
 */
export async function applyDeletion(
  ctx: ClientContext,
  target: MessageRow,
  atNs: bigint,
  byAdmin: boolean,
): Promise<void> {
  await markMessageDeleted(ctx.db, target.id, { atNs, byAdmin });
  const annotations: string[] = [];
  for (const row of await messagesFrom(ctx.db, target.conversationId, target.sentAtNs)) {
    if (row.contentType !== EDIT_MESSAGE && !row.contentType.startsWith("xmtp.org/reaction:"))
      continue;
    const decoded = await ctx.codecs.decodeBytes(row.encodedContent).catch(() => undefined);
    const c = decoded?.content as { messageId?: unknown; reference?: unknown } | undefined;
    if (c?.messageId === target.id || c?.reference === target.id) annotations.push(row.id);
  }
  if (annotations.length) await removeMessages(ctx.db, annotations);
}

/** A peer's delete or edit, checked: what to store, or why it is dropped. */
export async function incomingContentRule(
  ctx: ClientContext,
  conversationId: string,
  group: GroupHandle,
  senderInboxId: string,
  sentAtNs: bigint,
  decoded: DecodedContent | undefined,
): Promise<{
  drop?: { code: ContentRuleCode; reason: string };
  afterStore?: () => Promise<void>;
}> {
  if (decoded?.contentType === DELETE_MESSAGE) {
    const { messageId } = decoded.content as DeleteMessageContent;
    const v = await deletionVerdict(ctx, conversationId, senderInboxId, messageId, group);
    // The same delete seen twice (another device of the sender) is stored, not an attack.
    if (!v.allowed) return v.code === "already_deleted" ? {} : { drop: v };
    return { afterStore: () => applyDeletion(ctx, v.target, sentAtNs, v.byAdmin) };
  }
  if (decoded?.contentType === EDIT_MESSAGE) {
    const { messageId } = decoded.content as EditMessageContent;
    const v = await editVerdict(ctx, conversationId, senderInboxId, messageId);
    if (!v.allowed) return { drop: v };
    const edit = decoded.content as EditMessageContent;
    return { afterStore: () => applyEditPreview(ctx, v.target, edit) };
  }
  if (decoded?.contentType === INVITE_CONTROL) {
    // Revocations and claims bind every admin answering a link: a member who is not an admin
    // (in this epoch) could otherwise revoke links or block requests. Never kept from one.
    const conversation = await getConversation(ctx.db, conversationId);
    if (conversation?.kind !== "group" || roleOf(contextOf(group), senderInboxId) === "member")
      return {
        drop: {
          code: "invite_control_not_allowed",
          reason: "only a group's admins may send invite_control, and only in the group",
        },
      };
  }
  return {};
}

/** An edit of the conversation's latest message updates the list's preview too. */
export async function applyEditPreview(
  ctx: ClientContext,
  target: MessageRow,
  edit: EditMessageContent,
): Promise<void> {
  const preview = previewOf(edit.content);
  if (preview !== undefined)
    await setPreviewIfLatest(ctx.db, target.conversationId, target.sentAtNs, preview);
}
