"use client";
import { useEffect, type RefObject } from "react";
import type { Client, DecodedMessage } from "@/lib/client";
import { shortAddress } from "@/components/format/address";
import { closeNotifications, showMessageNotification } from "@/components/pwa/notify";

// Catch-up after a long absence would otherwise ring for every old message.
const FRESH_MS = 2 * 60_000;

function previewOf(m: DecodedMessage): string {
  const text = typeof m.content === "string" ? m.content : (m.fallback ?? "New message");
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/**
 * Leader tab only: someone else's message that arrives while this page is hidden,
 * or while another conversation is on screen, becomes a system notification
 * (the list itself already shows new messages and unread counts).
 */
export function useMessageNotifications(
  client: Client,
  isLeader: boolean,
  openConversation: RefObject<string | undefined>,
): void {
  useEffect(() => {
    if (!isLeader) return;
    return client.onMessage((m) => {
      if (m.senderInboxId === client.inboxId || !m.shouldPush) return;
      // Visible page: only a message for a conversation other than the open one rings.
      const open = openConversation.current;
      if (
        document.visibilityState === "visible" &&
        (open === undefined || open === m.conversationId)
      )
        return;
      if (Date.now() - Number(m.sentAtNs / 1_000_000n) > FRESH_MS) return;
      // A disappearing message rings only while it lives, and its notification goes with it.
      const livesMs =
        m.expiresAtNs === undefined ? undefined : Number(m.expiresAtNs / 1_000_000n) - Date.now();
      if (livesMs !== undefined && livesMs <= 0) return;
      void (async () => {
        // Requests wait quietly in their tab; blocked ones never ring.
        if ((await client.preferences.conversationConsent(m.conversationId)) !== "allowed") return;
        const conversation = await client.conversations.getById(m.conversationId);
        await showMessageNotification({
          title:
            conversation?.kind === "group"
              ? (conversation.summary().name ?? "Group")
              : shortAddress(conversation?.peerAddress),
          body: previewOf(m),
          url: `/conversations?c=${encodeURIComponent(m.conversationId)}`,
          tag: m.conversationId,
        });
        if (livesMs !== undefined)
          setTimeout(
            () => void closeNotifications(m.conversationId).catch(() => undefined),
            livesMs,
          );
      })().catch(() => undefined);
    });
  }, [client, isLeader, openConversation]);
}
