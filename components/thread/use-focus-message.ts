"use client";
import { useEffect, useRef } from "react";
import type { DecodedMessage } from "@/lib/client";
import { forgetFocusedMessage } from "@/components/conversations/navigation";

/**
 * Shows the message a search result asked for: older pages load until it is in the thread
 * (the live window holds only the newest 50), then it is scrolled to and highlighted, once.
 */
export function useFocusMessage(
  conversationId: string,
  focusId: string | undefined,
  messages: DecodedMessage[] | undefined,
  hasMore: boolean,
  loadOlder: () => Promise<void>,
  jumpTo: (messageId: string, smooth?: boolean) => void,
): void {
  const shown = useRef<string | undefined>(undefined);
  const loading = useRef(false);
  useEffect(() => {
    if (!focusId) {
      shown.current = undefined;
      return;
    }
    if (!messages || shown.current === focusId) return;
    if (messages.some((m) => m.id === focusId)) {
      shown.current = focusId;
      // After the list's own first scroll to the newest message has painted.
      requestAnimationFrame(() => {
        jumpTo(focusId, false);
        forgetFocusedMessage(conversationId);
      });
    } else if (hasMore) {
      if (loading.current) return; // one page at a time: the next render asks again
      loading.current = true;
      void loadOlder().finally(() => (loading.current = false));
    } else {
      shown.current = focusId; // gone since (deleted, disappeared): the thread opens as usual
      forgetFocusedMessage(conversationId);
    }
  }, [conversationId, focusId, messages, hasMore, loadOlder, jumpTo]);
}
