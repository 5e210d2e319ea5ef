import {
  ContentTypeDeleteMessage,
  ContentTypeEditMessage,
  ContentTypeMarkdown,
  ContentTypeReadReceipt,
  ContentTypeReply,
  ContentTypeText,
  looksLikeMarkdown,
  REACTION_SEND_CONTENT_TYPE,
  contentTypeToString,
  type Attachment,
  type ContentTypeId,
  type DeleteMessageContent,
  type EditMessageContent,
  type Reaction,
  type ReactionAction,
  type Reply,
} from "../../content";
import {
  DISAPPEARED_PREVIEW,
  getMessage,
  isExpired,
  markConversationRead,
  messagesFrom,
  type ConsentState,
  type ConversationPrefRow,
  type ConversationRow,
} from "../../storage";
import { setChoice } from "../organize/organize";
import { effectiveConsent, setConsent } from "../consent/consent";
import { sendAttachment, type SendAttachmentOptions } from "../messages/attachments";
import { sendAttachments } from "../messages/multi-attachments";
import { ClientError } from "../errors";
import type { ClientContext } from "../context";
import { decodeRow } from "../messages/decode";
import { messagesOf } from "../messages/page";
import { publishMessage, sendContent } from "../messages/send";
import {
  applyDeletion,
  applyEditPreview,
  deletionVerdict,
  EDIT_MESSAGE,
  editVerdict,
  type Verdict,
} from "../messages/content-rules";
import { requireGroup } from "../groups/state";
import type { ConversationSummary, DecodedMessage, SyncState } from "../types";
import {
  currentTimer,
  setTimer,
  timerAbility,
  type DisappearingTimer,
} from "../disappearing/settings";
import type { Ability } from "../groups/abilities";

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/** One conversation (a DM for now), read from the local database. */
export class Conversation {
  constructor(
    protected readonly ctx: ClientContext,
    protected readonly row: ConversationRow,
    /** Effective consent when this object was read (Conversations fills it in). */
    private readonly consentAtRead: ConsentState = "unknown",
    /** Pin / archive as of when this object was read. */
    private readonly prefsAtRead: ConversationPrefRow = {},
  ) {}

  get id(): string {
    return this.row.id;
  }

  /** "sync" only for the inbox's own device channel, which lists never include. */
  get kind(): "dm" | "group" | "sync" {
    return this.row.kind;
  }

  /** The other inbox of a DM. */
  get peerInboxId(): string | undefined {
    return this.row.peerInboxId;
  }

  get createdAtNs(): bigint {
    return BigInt(this.row.createdAtNs);
  }

  get peerAddress(): string | undefined {
    return this.row.peerAddress;
  }

  get unreadCount(): number {
    return this.row.unreadCount;
  }

  /** Effective consent as of when this conversation was read; `consentState()` reads it afresh. */
  get consent(): ConsentState {
    return this.consentAtRead;
  }

  /**
   * Whether this installation is in step with the group: "out_of_sync" when a commit the
   * others applied could not be applied here (nothing later is applied, sending waits).
   */
  get syncState(): SyncState {
    const mark = this.row.outOfSync;
    return mark
      ? {
          state: "out_of_sync",
          code: mark.code,
          reason: mark.reason,
          sinceNodeId: BigInt(mark.sinceNodeId),
        }
      : { state: "in_sync" };
  }

  /**
   * Two welcomes for this group id disagree and none is confirmed by another of the user's
   * devices yet (issue 11 item 9): what is shown may come from a former member's fake group,
   * and sending waits. Ends when the other device speaks or answers (deviceSync).
   */
  get contested(): boolean {
    return Boolean(this.row.contested);
  }

  /** Effective consent now (see Preferences.conversationConsent). */
  consentState(): Promise<ConsentState> {
    return effectiveConsent(this.ctx, this.row);
  }

  /** Allows or denies (blocks) this conversation; for a person, deny their inbox instead. */
  async updateConsentState(state: ConsentState): Promise<void> {
    await setConsent(this.ctx, [{ entity: { kind: "conversation", id: this.id }, state }]);
  }

  summary(): ConversationSummary {
    return {
      id: this.row.id,
      kind: this.row.kind,
      ...(this.row.peerInboxId ? { peerInboxId: this.row.peerInboxId } : {}),
      ...(this.row.peerAddress ? { peerAddress: this.row.peerAddress } : {}),
      ...(this.row.name ? { name: this.row.name } : {}),
      // A preview whose message is due is never shown, even before the purge runs.
      ...(this.row.lastMessagePreview !== undefined
        ? {
            lastMessagePreview: isExpired(this.row.lastMessageExpiresAtNs, nowNs())
              ? DISAPPEARED_PREVIEW
              : this.row.lastMessagePreview,
          }
        : {}),
      lastActivityNs: BigInt(this.row.lastMessageAtNs),
      createdAtNs: BigInt(this.row.createdAtNs),
      unreadCount: this.row.unreadCount,
      consent: this.consentAtRead,
      syncState: this.syncState,
      contested: this.contested,
      ...(this.row.disappearing ? { disappearInNs: BigInt(this.row.disappearing.inNs) } : {}),
      pinned: this.prefsAtRead.pinned?.on ?? false,
      archived: this.prefsAtRead.archived?.on ?? false,
    };
  }

  /**
   * Disappearing messages: messages sent from now on vanish `inNs` nanoseconds after they were
   * sent, for every member (null or 0: off). A metadata commit: in a group, admins by default
   * (the group's policy "update_message_disappearing", as libxmtp); in a DM, either person.
   * A timer below 0 or not a number is refused and nothing changes.
   */
  setDisappearingMessages(inNs: bigint | number | null): Promise<void> {
    return setTimer(this.ctx, this.id, inNs);
  }

  /** The timer of the group's current epoch, or undefined when off. */
  disappearingMessages(): Promise<DisappearingTimer | undefined> {
    return currentTimer(this.ctx, this.id);
  }

  /** Pins this conversation on top of the list (false: unpins), on every device of the inbox. */
  setPinned(pinned: boolean): Promise<void> {
    return setChoice(this.ctx, this.row, "pinned", pinned);
  }

  /**
   * Moves it to Archived (false: back to the list), on every device of the inbox. A new
   * message brings it back unless it is muted (organize/archive-keeper.ts).
   */
  setArchived(archived: boolean): Promise<void> {
    return setChoice(this.ctx, this.row, "archived", archived);
  }

  /** Whether this member may change the timer (and if not, who may). */
  canChangeDisappearingMessages(): Promise<Ability> {
    return timerAbility(this.ctx, this.id);
  }

  /** Sends text (or any registered content type); resolves once the node has it. */
  send(content: string): Promise<DecodedMessage>;
  send(content: unknown, type: ContentTypeId): Promise<DecodedMessage>;
  send(content: unknown, type: ContentTypeId = ContentTypeText): Promise<DecodedMessage> {
    return sendContent(this.ctx, this.id, type, content);
  }

  /**
   * Sends typed text: xmtp.org/markdown when it uses markdown (bold, italic, code, lists,
   * links), xmtp.org/text otherwise, so "2*3*4" stays text and **bold** arrives bold.
   */
  sendText(text: string): Promise<DecodedMessage> {
    return this.send(text, textTypeOf(text));
  }

  /**
   * Deletes a message for everyone (xmtp.org/deleteMessage): your own, or anyone's in a group
   * where you are super admin. Its content is erased here at once and by every member on
   * receipt (they check the same rule); resolves once the node has the delete.
   */
  async deleteMessage(messageId: string): Promise<DecodedMessage> {
    const self = this.ctx.installation.inboxId;
    const group = await requireGroup(this.ctx, this.id);
    const verdict = await deletionVerdict(this.ctx, this.id, self, messageId, group);
    const target = allowedTarget(verdict, "delete");
    if (target.status !== "published")
      throw new ClientError(
        "invalid_argument",
        `message ${messageId} was not sent yet: retry or wait for it`,
      );
    const content: DeleteMessageContent = { messageId: target.id };
    await applyDeletion(
      this.ctx,
      target,
      BigInt(Date.now()) * 1_000_000n,
      verdict.allowed && verdict.byAdmin,
    );
    return this.send(content, ContentTypeDeleteMessage);
  }

  /**
   * Replaces the text of one of your messages for everyone (xmtp.org/editMessage, carrying a
   * fallback for apps without it). The message keeps its place; members see it marked
   * edited, with its earlier versions. A deleted message cannot be edited.
   */
  async editMessage(messageId: string, text: string): Promise<DecodedMessage> {
    if (typeof text !== "string" || text.trim() === "")
      throw new ClientError(
        "invalid_argument",
        "an edit needs some text (delete the message instead)",
      );
    const self = this.ctx.installation.inboxId;
    const target = allowedTarget(await editVerdict(this.ctx, this.id, self, messageId), "edit");
    const edit: EditMessageContent = {
      messageId: target.id,
      contentType: contentTypeToString(textTypeOf(text)),
      content: text,
    };
    const sent = await this.send(edit, ContentTypeEditMessage);
    await applyEditPreview(this.ctx, target, edit);
    return sent;
  }

  /**
   * A message's versions, oldest first: the original, then each edit its sender made (the
   * last is what it says now). Empty for a deleted message or one not in this conversation.
   */
  async editHistory(
    messageId: string,
  ): Promise<{ contentType: string; content: unknown; sentAtNs: bigint }[]> {
    const target = await getMessage(this.ctx.db, messageId).catch(() => undefined);
    if (!target || target.conversationId !== this.id || target.deleted) return [];
    const original = await decodeRow(this.ctx.codecs, target);
    const versions = [
      { contentType: original.contentType, content: original.content, sentAtNs: original.sentAtNs },
    ];
    for (const row of await messagesFrom(this.ctx.db, this.id, target.sentAtNs)) {
      if (row.contentType !== EDIT_MESSAGE || row.senderInboxId !== target.senderInboxId) continue;
      const m = await decodeRow(this.ctx.codecs, row);
      const edit = m.content as EditMessageContent | undefined;
      if (edit?.messageId === target.id)
        versions.push({
          contentType: edit.contentType,
          content: edit.content,
          sentAtNs: m.sentAtNs,
        });
    }
    return versions;
  }

  /** Retries a `failed` message with the same ciphertext (the node stores it once). */
  retry(messageId: string): Promise<DecodedMessage> {
    return publishMessage(this.ctx, messageId);
  }

  /** Adds (or with "removed", takes back) an emoji reaction to a message: reaction:2.0, as XMTP sends. */
  async react(
    messageId: string,
    emoji: string,
    action: ReactionAction = "added",
  ): Promise<DecodedMessage> {
    if (typeof emoji !== "string" || emoji.length === 0 || emoji.length > 64)
      throw new ClientError("invalid_argument", "a reaction is one emoji (1 to 64 characters)");
    const reaction: Reaction = {
      ...(await this.reference(messageId)),
      action,
      schema: "unicode",
      content: emoji,
    };
    return this.send(reaction, REACTION_SEND_CONTENT_TYPE);
  }

  /** Replies to a message with text (reply:1.0 around text:1.0, or markdown:1.0 as sendText picks). */
  async reply(messageId: string, text: string): Promise<DecodedMessage> {
    if (typeof text !== "string" || text.trim() === "")
      throw new ClientError("invalid_argument", "a reply needs some text");
    const reply: Reply = {
      ...(await this.reference(messageId)),
      contentType: contentTypeToString(textTypeOf(text)),
      content: text,
    };
    return this.send(reply, ContentTypeReply);
  }

  /** Tells the others this installation has read the conversation up to now. */
  async sendReadReceipt(): Promise<void> {
    await this.send({}, ContentTypeReadReceipt);
  }

  /** A file: inline below 1 MB encoded, otherwise encrypted, uploaded, and sent by URL. */
  sendAttachment(file: Attachment, opts?: SendAttachmentOptions): Promise<DecodedMessage> {
    return sendAttachment(this.ctx, this.id, file, opts);
  }

  /**
   * Several files in ONE message (multiRemoteStaticAttachment:1.0): each encrypted with its
   * own key and uploaded; a single file goes as sendAttachment sends it.
   */
  sendAttachments(files: Attachment[], opts?: SendAttachmentOptions): Promise<DecodedMessage> {
    return sendAttachments(this.ctx, this.id, files, opts);
  }

  private async reference(
    messageId: string,
  ): Promise<{ reference: string; referenceInboxId?: string }> {
    const target = await getMessage(this.ctx.db, messageId);
    if (!target || target.conversationId !== this.id)
      throw new ClientError(
        "invalid_argument",
        `message ${messageId} is not in conversation ${this.id}`,
      );
    return { reference: messageId, referenceInboxId: target.senderInboxId };
  }

  /** Oldest first; `before` pages back through history. */
  messages(opts: { limit?: number; beforeNs?: bigint } = {}): Promise<DecodedMessage[]> {
    return messagesOf(this.ctx, this.id, opts);
  }

  markRead(): Promise<void> {
    return markConversationRead(this.ctx.db, this.id);
  }
}

export function textTypeOf(text: string): ContentTypeId {
  return looksLikeMarkdown(text) ? ContentTypeMarkdown : ContentTypeText;
}

/** The verdict's message, or a ClientError saying why not. */
function allowedTarget(verdict: Verdict, action: "delete" | "edit") {
  if (verdict.allowed) return verdict.target;
  const code =
    verdict.code === "delete_not_allowed" || verdict.code === "edit_not_allowed"
      ? "not_allowed"
      : "invalid_argument";
  throw new ClientError(code, `cannot ${action}: ${verdict.reason}`);
}
