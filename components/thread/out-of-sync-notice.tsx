"use client";
import type { SyncState } from "@/lib/client";

/**
 * Says plainly that this device fell behind the group (a change it could not apply):
 * nothing newer is shown and what the person writes waits, kept, until it is back in step.
 */
export function OutOfSyncNotice({ syncState }: { syncState: SyncState | undefined }) {
  if (syncState?.state !== "out_of_sync") return null;
  return (
    <div
      data-testid="out-of-sync"
      role="alert"
      className="border-t border-rose-200 bg-rose-50 px-4 py-2.5 text-sm text-rose-900 dark:border-rose-900/60 dark:bg-rose-950/40 dark:text-rose-100"
    >
      <p className="font-medium">This conversation is out of sync on this device.</p>
      <p className="mt-0.5 text-xs">
        A change to the conversation couldn&apos;t be checked here, so newer messages can&apos;t be
        shown yet. Anything you write is kept and will be sent once this device is back in step.
      </p>
      <details className="mt-1 text-xs text-rose-800/80 dark:text-rose-200/80">
        <summary className="cursor-pointer">Details</summary>
        <p className="mt-1 break-words">
          {syncState.reason} (since message {syncState.sinceNodeId.toString()})
        </p>
      </details>
    </div>
  );
}
