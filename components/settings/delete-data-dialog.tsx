"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useClient } from "@/components/client/client-context";
import { ephemeralKey, forgetSession } from "@/components/session/storage";
import { DangerActions, Dialog } from "@/components/ui/dialog";
import { EphemeralKeyExport } from "./ephemeral-key-export";

/**
 * Confirm, then delete this browser's keys and messages, forget the session and go to `/`.
 * An ephemeral wallet's key goes too, so it is offered for export first and the delete
 * waits for the person to say they saved it or accept losing the account.
 */
export function DeleteDataDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { client } = useClient();
  const router = useRouter();
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string>();
  const [accepted, setAccepted] = useState(false);
  const walletKey = open ? ephemeralKey.get() : null;

  function close() {
    if (deleting) return;
    setAccepted(false);
    onClose();
  }

  async function deleteEverything() {
    setDeleting(true);
    try {
      await client.deleteLocalData();
      forgetSession();
      ephemeralKey.clear();
      router.replace("/");
    } catch (err) {
      setError(`Couldn't delete local data: ${err instanceof Error ? err.message : String(err)}`);
      setDeleting(false);
    }
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Delete local data?"
      description="This removes your messages, keys and this installation from this browser. It can't be undone."
    >
      {walletKey && (
        <>
          <EphemeralKeyExport privateKey={walletKey} />
          <label className="mb-4 flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              data-testid="accept-key-loss"
              className="mt-0.5 h-4 w-4 shrink-0 accent-red-600"
              checked={accepted}
              onChange={(e) => setAccepted(e.target.checked)}
            />
            I saved the key, or I accept that this account is gone for good.
          </label>
        </>
      )}
      {error && (
        <p role="alert" className="mb-3 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <DangerActions
        busy={deleting}
        disabled={walletKey !== null && !accepted}
        onCancel={close}
        confirmTestId="confirm-delete"
        onConfirm={() => void deleteEverything()}
      >
        Delete
      </DangerActions>
    </Dialog>
  );
}
