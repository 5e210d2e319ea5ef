"use client";
import { useLiveQuery } from "dexie-react-hooks";
import { usePathname } from "next/navigation";
import { useEffect } from "react";
import type { Client } from "@/lib/client";
import { setAppBadge } from "@/components/pwa/notify";

/** Total unread → the tab title "(3) Messenger" in every tab, the app badge from the leader. */
export function useUnreadTotal(client: Client, isLeader: boolean): number {
  const total = useLiveQuery(() => client.conversations.unreadTotal(), [client], 0);
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
