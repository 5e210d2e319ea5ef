"use client";
import { useState } from "react";
import { DangerActions, Dialog } from "@/components/ui/dialog";

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
      <DangerActions
        busy={busy}
        onCancel={close}
        confirmTestId="confirm-delete-message"
        onConfirm={() => {
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
        Delete
      </DangerActions>
    </Dialog>
  );
}
