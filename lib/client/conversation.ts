import { ContentTypeText, type ContentTypeId } from "../content";
import { markConversationRead, messagesPage, type ConversationRow } from "../storage";
import type { ClientContext } from "./context";
import { decodeRow } from "./decode";
import { publishMessage, sendContent } from "./send";
import type { ConversationSummary, DecodedMessage } from "./types";

/** One conversation (a DM for now), read from the local database. */
export class Conversation {
  constructor(
    protected readonly ctx: ClientContext,
    protected readonly row: ConversationRow,
  ) {}

  get id(): string {
    return this.row.id;
  }

  get kind(): "dm" | "group" {
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

  summary(): ConversationSummary {
    return {
      id: this.row.id,
      kind: this.row.kind,
      ...(this.row.peerInboxId ? { peerInboxId: this.row.peerInboxId } : {}),
      ...(this.row.peerAddress ? { peerAddress: this.row.peerAddress } : {}),
      ...(this.row.name ? { name: this.row.name } : {}),
      ...(this.row.lastMessagePreview !== undefined
        ? { lastMessagePreview: this.row.lastMessagePreview }
        : {}),
      lastActivityNs: BigInt(this.row.lastMessageAtNs),
      createdAtNs: BigInt(this.row.createdAtNs),
      unreadCount: this.row.unreadCount,
    };
  }

  /** Sends text (or any registered content type); resolves once the node has it. */
  send(content: string): Promise<DecodedMessage>;
  send(content: unknown, type: ContentTypeId): Promise<DecodedMessage>;
  send(content: unknown, type: ContentTypeId = ContentTypeText): Promise<DecodedMessage> {
    return sendContent(this.ctx, this.id, type, content);
  }

  /** Retries a `failed` message with the same ciphertext (the node stores it once). */
  retry(messageId: string): Promise<DecodedMessage> {
    return publishMessage(this.ctx, messageId);
  }

  /** Oldest first; `before` pages back through history. */
  async messages(opts: { limit?: number; beforeNs?: bigint } = {}): Promise<DecodedMessage[]> {
    const rows = await messagesPage(this.ctx.db, this.id, {
      limit: opts.limit ?? 1000,
      ...(opts.beforeNs !== undefined ? { beforeSentAtNs: opts.beforeNs } : {}),
    });
    return Promise.all(rows.map((r) => decodeRow(this.ctx.codecs, r)));
  }

  markRead(): Promise<void> {
    return markConversationRead(this.ctx.db, this.id);
  }
}
