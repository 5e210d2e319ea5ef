import type { DecodedMessage, EditMessageContent, Reaction } from "@/lib/client";
import { canonicalEmoji } from "@/components/content/emoji-data";
import { CT } from "./content-types";

export interface ReactionSummary {
  emoji: string;
  /** Who reacted, in the order they did. */
  inboxIds: string[];
  mine: boolean;
}

/** One version of an edited message (the original is the message itself). */
export interface EditVersion {
  contentType: string;
  content: string;
  atNs: bigint;
}

export interface ThreadModel {
  /** What the thread shows as bubbles and lines, oldest first. */
  visible: DecodedMessage[];
  reactions: Map<string, ReactionSummary[]>;
  /** message id → its edits, oldest first (only the sender's; none for a deleted message). */
  edits: Map<string, EditVersion[]>;
  byId: Map<string, DecodedMessage>;
  /** Latest time another member said they had read this conversation. */
  peerReadAtNs?: bigint;
  /** Latest read receipt this inbox sent (so we only send a new one when there is news). */
  myReceiptAtNs?: bigint;
}

// Not bubbles of their own: they annotate other messages or the conversation.
const ANNOTATIONS: ReadonlySet<string> = new Set([
  CT.reaction,
  CT.reactionV2,
  CT.readReceipt,
  CT.leaveRequest,
  CT.deleteMessage,
  CT.editMessage,
  CT.inviteControl, // admins' bookkeeping of invite links, never shown
]);

function isReaction(m: DecodedMessage): m is DecodedMessage & { content: Reaction } {
  const r = m.content as Reaction | null;
  return (
    (m.contentType === CT.reaction || m.contentType === CT.reactionV2) &&
    !!r &&
    typeof r.reference === "string" &&
    typeof r.content === "string"
  );
}

function isEdit(m: DecodedMessage): m is DecodedMessage & { content: EditMessageContent<string> } {
  const e = m.content as EditMessageContent | null;
  return (
    m.contentType === CT.editMessage &&
    !!e &&
    typeof e.messageId === "string" &&
    typeof e.content === "string"
  );
}

/**
 * Folds a page of messages into what the thread draws: reactions applied in order (an
 * add then a remove by the same inbox cancels), read receipts reduced to their latest.
 */
export function buildThread(messages: DecodedMessage[], myInboxId: string): ThreadModel {
  const visible: DecodedMessage[] = [];
  const byId = new Map<string, DecodedMessage>();
  // reference → emoji → inboxes (insertion-ordered)
  const tally = new Map<string, Map<string, Set<string>>>();
  let peerReadAtNs: bigint | undefined;
  let myReceiptAtNs: bigint | undefined;
  const edited: (DecodedMessage & { content: EditMessageContent<string> })[] = [];
  for (const m of messages) {
    if (isEdit(m)) {
      edited.push(m);
      continue;
    }
    if (isReaction(m)) {
      const { reference, action } = m.content;
      // One emoji, one chip: other apps may add a variation selector ours does not.
      const emoji = canonicalEmoji(m.content.content);
      const perEmoji = tally.get(reference) ?? new Map<string, Set<string>>();
      tally.set(reference, perEmoji);
      const who = perEmoji.get(emoji) ?? new Set<string>();
      perEmoji.set(emoji, who);
      if (action === "removed") who.delete(m.senderInboxId);
      else who.add(m.senderInboxId);
      continue;
    }
    if (m.contentType === CT.readReceipt) {
      if (m.senderInboxId === myInboxId) myReceiptAtNs = m.sentAtNs;
      else if (peerReadAtNs === undefined || m.sentAtNs > peerReadAtNs) peerReadAtNs = m.sentAtNs;
      continue;
    }
    if (ANNOTATIONS.has(m.contentType)) continue;
    visible.push(m);
    byId.set(m.id, m);
  }
  const reactions = new Map<string, ReactionSummary[]>();
  for (const [reference, perEmoji] of tally) {
    if (byId.get(reference)?.deleted) continue; // reactions go with the deleted message
    const list = [...perEmoji]
      .filter(([, who]) => who.size > 0)
      .map(([emoji, who]) => ({ emoji, inboxIds: [...who], mine: who.has(myInboxId) }));
    if (list.length > 0) reactions.set(reference, list);
  }
  // The library keeps only the sender's edits of messages not deleted; checked again here.
  const edits = new Map<string, EditVersion[]>();
  for (const e of edited) {
    const target = byId.get(e.content.messageId);
    if (!target || target.deleted || target.senderInboxId !== e.senderInboxId) continue;
    const list = edits.get(target.id) ?? [];
    list.push({ contentType: e.content.contentType, content: e.content.content, atNs: e.sentAtNs });
    edits.set(target.id, list);
  }
  return {
    visible,
    reactions,
    edits,
    byId,
    ...(peerReadAtNs !== undefined ? { peerReadAtNs } : {}),
    ...(myReceiptAtNs !== undefined ? { myReceiptAtNs } : {}),
  };
}

/** My last published message the peer has read, for the "Seen" line. */
export function lastSeenId(model: ThreadModel, myInboxId: string): string | undefined {
  if (model.peerReadAtNs === undefined) return undefined;
  for (let i = model.visible.length - 1; i >= 0; i--) {
    const m = model.visible[i]!;
    if (m.senderInboxId !== myInboxId) continue;
    // Only my LAST message carries "Seen", and only once the peer read it.
    return m.status === "published" && m.sentAtNs <= model.peerReadAtNs ? m.id : undefined;
  }
  return undefined;
}

/** Whether there is something from the others newer than my last read receipt. */
export function owesReceipt(model: ThreadModel, myInboxId: string): boolean {
  const lastFromOthers = model.visible.findLast((m) => m.senderInboxId !== myInboxId);
  if (!lastFromOthers) return false;
  return model.myReceiptAtNs === undefined || lastFromOthers.sentAtNs > model.myReceiptAtNs;
}
