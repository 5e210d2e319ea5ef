"use client";
import { useState } from "react";
import { buttonStyles } from "@/components/ui/button-styles";
import { Dialog } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";

/** Confirms a delete for everyone; says what it does and that it cannot be undone. */
export function DeleteMessageDialog({
  open,
  othersMessage,
  onConfirm,
  onClose,
}: {
  open: boolean;
  /** A super admin deleting a member's message. */
  othersMessage: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const close = () => {
    if (busy) return;
    setError(undefined);
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Delete for everyone?"
      description={
        othersMessage
          ? "As a super admin you can delete this member's message. Everyone will see “This message was deleted” instead. This can't be undone."
          : "Everyone in this conversation will see “This message was deleted” instead. This can't be undone."
      }
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
          disabled={busy}
          onClick={close}
        >
          Cancel
        </button>
        <button
          type="button"
          data-testid="confirm-delete-message"
          className={buttonStyles.danger}
          disabled={busy}
          onClick={() => {
            setBusy(true);
            onConfirm()
              .then(() => {
                setBusy(false);
                onClose();
              })
              .catch((err: unknown) => {
                setBusy(false);
                setError(`Couldn't delete: ${err instanceof Error ? err.message : String(err)}`);
              });
          }}
        >
          {busy && <Spinner />}
          Delete
        </button>
      </div>
    </Dialog>
  );
}
