"use client";
import { useEffect, useId, useRef, type ReactNode } from "react";
import { buttonStyles, focusRing } from "./button-styles";
import { CloseIcon } from "./icons";
import { Spinner } from "./spinner";

type Props = {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: string;
  children: ReactNode;
};

/**
 * A modal on the native <dialog>: showModal() makes the page behind inert (focus
 * stays inside), Escape closes it, and focus returns to the opener afterwards.
 */
export function Dialog({ open, onClose, title, description, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (open && !el.open) el.showModal();
    if (!open && el.open) el.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself) closes it.
        if (e.target === ref.current) onClose();
      }}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-2xl bg-white p-0 text-zinc-900 shadow-2xl backdrop:bg-black/40 backdrop:backdrop-blur-sm dark:bg-zinc-900 dark:text-zinc-100 dark:ring-1 dark:ring-zinc-800"
    >
      {open && (
        <div className="p-6">
          <div className="flex items-start justify-between gap-3">
            <h2 id={titleId} className="text-lg font-semibold">
              {title}
            </h2>
            <button
              type="button"
              aria-label="Close"
              onClick={onClose}
              className={`-mt-1.5 -mr-2 rounded-full p-2 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100 ${focusRing}`}
            >
              <CloseIcon />
            </button>
          </div>
          {description && (
            <p id={descId} className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
              {description}
            </p>
          )}
          <div className="mt-5">{children}</div>
        </div>
      )}
    </dialog>
  );
}

/** A dialog's last row: Cancel (focused first, so Enter never confirms by accident) and the red action. */
export function DangerActions({
  busy,
  disabled = false,
  onCancel,
  onConfirm,
  confirmTestId,
  children,
}: {
  busy: boolean;
  disabled?: boolean;
  onCancel: () => void;
  onConfirm: () => void;
  confirmTestId: string;
  /** The action's label (the spinner is added while busy). */
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
      <button
        type="button"
        autoFocus
        className={buttonStyles.ghost}
        disabled={busy}
        onClick={onCancel}
      >
        Cancel
      </button>
      <button
        type="button"
        data-testid={confirmTestId}
        className={buttonStyles.danger}
        disabled={busy || disabled}
        onClick={onConfirm}
      >
        {busy && <Spinner />}
        {children}
      </button>
    </div>
  );
}
