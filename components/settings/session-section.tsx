"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useClient } from "@/components/client/client-context";
import { forgetSession } from "@/components/session/storage";
import { buttonStyles } from "@/components/ui/button-styles";
import { Dialog } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";
import { SettingsSection } from "./settings-section";

/** Disconnect (keep messages here) or delete everything this browser holds. */
export function SessionSection() {
  const { client } = useClient();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string>();

  async function deleteEverything() {
    setDeleting(true);
    try {
      await client.deleteLocalData();
      forgetSession();
      router.replace("/");
    } catch (err) {
      setError(`Couldn't delete local data: ${err instanceof Error ? err.message : String(err)}`);
      setDeleting(false);
    }
  }

  return (
    <>
      <SettingsSection title="This browser">
        <div className="flex flex-col gap-4 sm:flex-row sm:items-center">
          <p className="flex-1 text-sm text-zinc-600 dark:text-zinc-400">
            Disconnecting signs you out here. Your messages stay on this device, and connecting the
            same wallet again needs no new signature.
          </p>
          <button
            type="button"
            data-testid="disconnect"
            className={buttonStyles.secondary}
            onClick={() => {
              forgetSession();
              router.replace("/");
            }}
          >
            Disconnect
          </button>
        </div>
        <div className="mt-5 flex flex-col gap-4 border-t border-zinc-200 pt-5 sm:flex-row sm:items-center dark:border-zinc-800">
          <p className="flex-1 text-sm text-zinc-600 dark:text-zinc-400">
            Delete this browser&apos;s keys and message history. Others keep their copies; you would
            need to activate again.
          </p>
          <button
            type="button"
            data-testid="delete-local-data"
            className={buttonStyles.danger}
            onClick={() => setConfirming(true)}
          >
            Delete local data
          </button>
        </div>
      </SettingsSection>
      <Dialog
        open={confirming}
        onClose={() => !deleting && setConfirming(false)}
        title="Delete local data?"
        description="This removes your messages, keys and this installation from this browser. It can't be undone."
      >
        {error && (
          <p role="alert" className="mb-3 text-sm text-red-700 dark:text-red-400">
            {error}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button
            type="button"
            autoFocus
            className={buttonStyles.ghost}
            disabled={deleting}
            onClick={() => setConfirming(false)}
          >
            Cancel
          </button>
          <button
            type="button"
            data-testid="confirm-delete"
            className={buttonStyles.danger}
            disabled={deleting}
            onClick={() => void deleteEverything()}
          >
            {deleting && <Spinner />}
            Delete
          </button>
        </div>
      </Dialog>
    </>
  );
}
