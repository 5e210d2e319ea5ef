"use client";
import { useEffect } from "react";
import type { Client } from "@/lib/client";

/**
 * While this thread is on screen, accepted, and the page is visible, its unread count is
 * zero: what arrives meanwhile is stored read (Conversations.showing), what was unread
 * before is reset.
 */
export function useMarkRead(
  client: Client,
  conversationId: string,
  accepted: boolean,
  unreadCount: number | undefined,
): void {
  useEffect(() => {
    if (!accepted) return;
    let release: (() => void) | undefined;
    const follow = () => {
      const visible = document.visibilityState === "visible";
      if (visible) release ??= client.conversations.showing(conversationId);
      else {
        release?.();
        release = undefined;
      }
    };
    follow();
    document.addEventListener("visibilitychange", follow);
    return () => {
      document.removeEventListener("visibilitychange", follow);
      release?.();
    };
  }, [client, conversationId, accepted]);

  useEffect(() => {
    const mark = () => {
      if (document.visibilityState !== "visible" || !accepted || !unreadCount) return;
      void client.conversations
        .getById(conversationId)
        .then((c) => c?.markRead())
        .catch(() => undefined);
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [client, conversationId, accepted, unreadCount]);
}
