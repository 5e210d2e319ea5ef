"use client";
import { useState } from "react";
import { DeleteDataDialog } from "@/components/settings/delete-data-dialog";
import { buttonStyles } from "@/components/ui/button-styles";
import { AlertIcon } from "@/components/ui/icons";

/** Another device revoked this one: say so first, and offer to delete what it still holds. */
export function RevokedNotice({ onKeepReading }: { onKeepReading: () => void }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <div
      role="alert"
      data-testid="device-revoked"
      className="w-full shrink-0 border-b border-red-200 bg-red-50 px-4 py-4 text-red-900 dark:border-red-900/60 dark:bg-red-950/50 dark:text-red-100"
    >
      <div className="mx-auto flex max-w-5xl flex-col gap-3 md:flex-row md:items-center">
        <p className="flex flex-1 gap-2.5 text-sm">
          <AlertIcon className="mt-0.5 h-4 w-4 shrink-0" />
          <span>
            This device was removed from your inbox from another device. It can no longer send or
            read new messages.
          </span>
        </p>
        <div className="flex flex-col-reverse gap-2 sm:flex-row">
          <button
            type="button"
            data-testid="keep-reading"
            className={`${buttonStyles.ghost} text-red-900 hover:bg-red-100 dark:text-red-100 dark:hover:bg-red-900/40`}
            onClick={onKeepReading}
          >
            Keep reading
          </button>
          <button
            type="button"
            data-testid="delete-device-data"
            className={buttonStyles.danger}
            onClick={() => setConfirming(true)}
          >
            Delete this device&apos;s data
          </button>
        </div>
      </div>
      <DeleteDataDialog open={confirming} onClose={() => setConfirming(false)} />
    </div>
  );
}
