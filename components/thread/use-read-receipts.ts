"use client";
import { useEffect } from "react";
import type { Client } from "@/lib/client";
import { readReceiptsPref } from "@/components/session/storage";

/**
 * In a DM on screen, with the page visible and receipts on: when the peer said something
 * since my last receipt, send one (at most one in flight; failures wait for the next news).
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
    send();
    document.addEventListener("visibilitychange", send);
    return () => document.removeEventListener("visibilitychange", send);
  }, [client, conversationId, enabled, owed]);
}
