"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useClient } from "@/components/client/client-context";
import { forgetSession } from "@/components/session/storage";
import { buttonStyles } from "@/components/ui/button-styles";
import { Dialog } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";

/** Confirm, then delete this browser's keys and messages, forget the session and go to `/`. */
export function DeleteDataDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { client } = useClient();
  const router = useRouter();
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
    <Dialog
      open={open}
      onClose={() => !deleting && onClose()}
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
          onClick={onClose}
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
  );
}
