// What a push notification says. Read locally: sender and conversation name with a preview,
// like the page's own notifications (components/client/use-message-notifications.ts). Not
// readable here: a generic "New message" that still opens the right thread.
import type { ConversationSummary } from "../types";
import { pushedPreview, type PushedRead } from "./pushed-message";

export interface PushNotice {
  title: string;
  body: string;
  /** One notification per conversation: a newer one replaces it (the page uses the same tag). */
  tag: string;
  /** Where a tap goes. */
  url: string;
  /** Why it is generic (absent when the message was read): for logs and tests. */
  generic?: string;
}

const GENERIC_TAG = "messenger-push";

/** "New message" for a conversation (tap opens it) or, without one, for the list. */
export function genericNotice(conversationId: string | undefined, why: string): PushNotice {
  return {
    title: "New message",
    body: "Open the app to read it.",
    tag: conversationId || GENERIC_TAG,
    url: conversationId ? threadUrl(conversationId) : "/conversations",
    generic: why,
  };
}

export const threadUrl = (conversationId: string) =>
  `/conversations?c=${encodeURIComponent(conversationId)}`;

/** 0x1234…abcd — what people recognise an address by (as the app shows it). */
export function shortAddress(address: string | undefined): string {
  if (!address) return "Someone";
  const a = address.toLowerCase();
  return a.length > 12 ? `${a.slice(0, 6)}…${a.slice(-4)}` : a;
}

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** A DM: the sender is the title. A group: its name, and "sender: preview" below. */
export function noticeOf(
  read: PushedRead,
  conversation: ConversationSummary,
  senderAddress: string | undefined,
): PushNotice {
  if (read.kind !== "message") return genericNotice(conversation.id, read.reason);
  const preview = clip(pushedPreview(read.message), 120);
  const sender = shortAddress(senderAddress);
  if (conversation.kind === "group")
    return {
      title: clip(conversation.name || "Group", 60),
      body: `${sender}: ${preview}`,
      tag: conversation.id,
      url: threadUrl(conversation.id),
    };
  return {
    title: shortAddress(conversation.peerAddress ?? senderAddress),
    body: preview,
    tag: conversation.id,
    url: threadUrl(conversation.id),
  };
}
