"use client";
import { useState } from "react";
import { useClient } from "@/components/client/client-context";
import { focusRing } from "@/components/ui/button-styles";
import { CloseIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { useHistorySync } from "./use-history-sync";

const WORKING: Record<string, string> = {
  requesting: "Asking your other devices for your history…",
  waiting: "Waiting for one of your other devices to answer…",
  downloading: "Downloading your encrypted history…",
  importing: "Adding your history to this device…",
};

/** A thin line above the list while a new device gets its history, and its outcome. */
export function HistoryBanner() {
  const { client } = useClient();
  const state = useHistorySync(client);
  const [dismissed, setDismissed] = useState<string>();
  if (state.phase === "idle" || dismissed === state.phase) return null;
  const working = WORKING[state.phase];
  return (
    <div
      role="status"
      data-testid="history-sync"
      data-phase={state.phase}
      className={`flex items-center gap-2 px-4 py-2 text-sm ${
        state.phase === "failed"
          ? "bg-amber-50 text-amber-900 dark:bg-amber-500/10 dark:text-amber-200"
          : "bg-indigo-50 text-indigo-900 dark:bg-indigo-500/10 dark:text-indigo-200"
      }`}
    >
      {working && <Spinner className="h-3.5 w-3.5 shrink-0" />}
      <span className="min-w-0 flex-1">
        {working ??
          (state.phase === "done"
            ? `History restored from your other device: ${state.messages} message${state.messages === 1 ? "" : "s"}.`
            : state.phase === "failed"
              ? `History not restored: ${state.reason}.`
              : "")}
      </span>
      {state.phase === "failed" && (
        <button
          type="button"
          className="font-semibold underline underline-offset-2"
          onClick={() => void client.deviceSync.requestHistory().catch(() => undefined)}
        >
          Try again
        </button>
      )}
      {!working && (
        <button
          type="button"
          aria-label="Dismiss"
          onClick={() => setDismissed(state.phase)}
          className={`rounded-full p-1 hover:bg-black/5 dark:hover:bg-white/10 ${focusRing}`}
        >
          <CloseIcon className="h-3.5 w-3.5" />
        </button>
      )}
    </div>
  );
}
