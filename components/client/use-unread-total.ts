"use client";
import { usePathname } from "next/navigation";
import { useEffect } from "react";
import type { Client } from "@/lib/client";
import { setAppBadge } from "@/components/pwa/notify";
import { useSummaries } from "./use-summaries";

/** Total unread → the tab title "(3) Messenger" in every tab, the app badge from the leader. */
export function useUnreadTotal(client: Client, isLeader: boolean): number {
  // Requests and blocked conversations do not count (as Conversations.unreadTotal).
  const total =
    useSummaries(client)
      ?.filter((c) => c.consent === "allowed")
      .reduce((n, c) => n + c.unreadCount, 0) ?? 0;
  const pathname = usePathname();

  useEffect(() => {
    const base = pathname.startsWith("/settings") ? "Settings · Messenger" : "Messenger";
    document.title = total > 0 ? `(${total}) ${base}` : base;
  }, [total, pathname]);

  useEffect(() => {
    if (isLeader) void Promise.resolve(setAppBadge(total)).catch(() => undefined);
  }, [total, isLeader]);

  return total;
}
