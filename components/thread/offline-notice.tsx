"use client";
import { useClient } from "@/components/client/client-context";

/** When the stream is down, say so where the user is typing. */
export function OfflineNotice() {
  const { connection } = useClient();
  if (connection !== "offline" && connection !== "reconnecting") return null;
  return (
    <p
      role="status"
      className="border-t border-amber-200 bg-amber-50 px-4 py-1.5 text-center text-xs text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200"
    >
      {connection === "offline"
        ? "You're offline. Messages you write will be sent when you're back online."
        : "Reconnecting… new messages will appear when the connection is back."}
    </p>
  );
}
