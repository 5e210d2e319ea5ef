"use client";
import { useEffect } from "react";
import type { Client } from "@/lib/client";

/** While this thread is on screen and the page is visible, its unread count is zero. */
export function useMarkRead(
  client: Client,
  conversationId: string,
  unreadCount: number | undefined,
): void {
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState !== "visible" || !unreadCount) return;
      void client.conversations
        .getById(conversationId)
        .then((c) => c?.markRead())
        .catch(() => undefined);
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [client, conversationId, unreadCount]);
}
