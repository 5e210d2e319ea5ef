"use client";
import { useClient, type ConnectionView } from "@/components/client/client-context";

const VIEW: Record<ConnectionView, { label: string; dot: string }> = {
  live: { label: "Connected", dot: "bg-emerald-500" },
  connecting: { label: "Connecting…", dot: "bg-amber-400 animate-pulse" },
  reconnecting: { label: "Reconnecting…", dot: "bg-amber-400 animate-pulse" },
  idle: { label: "Not connected", dot: "bg-zinc-400" },
  offline: { label: "Offline", dot: "bg-zinc-400" },
};

/** A quiet dot + word: is the live stream up? */
export function ConnectionStatus() {
  const { connection } = useClient();
  const v = VIEW[connection];
  return (
    <p
      role="status"
      data-testid="connection-status"
      data-state={connection}
      className="flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400"
    >
      <span aria-hidden className={`h-2 w-2 rounded-full ${v.dot}`} />
      {v.label}
    </p>
  );
}
