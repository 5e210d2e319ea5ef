"use client";
import { useEffect } from "react";
import type { Client } from "@/lib/client";
import { readReceiptsPref } from "@/components/session/storage";

/** A receipt waits this long after the news: one per burst, never competing with its render. */
const RECEIPT_DELAY_MS = 1_000;

/**
 * In a DM on screen, with the page visible and receipts on: when the peer said something
 * since my last receipt, send one a moment later (at most one in flight, so at most one a
 * second in a lively chat; failures wait for the next news).
 */
export function useReadReceipts(
  client: Client,
  conversationId: string,
  enabled: boolean,
  owed: boolean,
): void {
  useEffect(() => {
    if (!enabled || !owed) return;
    let sent = false;
    const send = () => {
      if (sent || document.visibilityState !== "visible" || !readReceiptsPref.get()) return;
      sent = true;
      void client.conversations
        .getById(conversationId)
        .then((c) => c?.sendReadReceipt())
        .catch(() => undefined);
    };
    const timer = setTimeout(send, RECEIPT_DELAY_MS);
    document.addEventListener("visibilitychange", send);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", send);
    };
  }, [client, conversationId, enabled, owed]);
}
