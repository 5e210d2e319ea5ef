"use client";
import { DangerActions, Dialog } from "@/components/ui/dialog";
import { shortDeviceId } from "./device-labels";

export interface RevokeTarget {
  ids: string[];
  /** "Revoke all other devices" (vs. one chosen device). */
  all: boolean;
}

/** The confirm step before the wallet is asked: what revoking does, and the one signature. */
export function RevokeDialog({
  target,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  target: RevokeTarget | undefined;
  busy: boolean;
  error: string | undefined;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const n = target?.ids.length ?? 0;
  const one = n === 1;
  const title = target?.all
    ? `Revoke ${one ? "the other device" : `all ${n} other devices`}?`
    : "Revoke this device?";
  const who = one ? `Device ${shortDeviceId(target?.ids[0] ?? "")}` : `These ${n} devices`;
  return (
    <Dialog
      open={target !== undefined}
      onClose={() => !busy && onClose()}
      title={title}
      description={`${who} will no longer be able to read new messages or send any. Your wallet will ask for one signature. This can't be undone: the browser would have to activate again.`}
    >
      {error && (
        <p
          role="alert"
          data-testid="revoke-error"
          className="mb-4 rounded-xl border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-200"
        >
          {error}
        </p>
      )}
      <DangerActions
        busy={busy}
        onCancel={onClose}
        onConfirm={onConfirm}
        confirmTestId="confirm-revoke"
      >
        {busy ? "Revoking…" : error ? "Try again" : one ? "Revoke" : `Revoke ${n} devices`}
      </DangerActions>
    </Dialog>
  );
}
