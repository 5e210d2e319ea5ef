"use client";
import { useCallback, useRef, useState } from "react";
import { menuItem } from "@/components/ui/menu-item";
import { useDismiss } from "@/components/ui/use-dismiss";
import { focusRing } from "@/components/ui/button-styles";
import { MoreIcon, PencilIcon, TrashIcon } from "@/components/ui/icons";

/** "⋯" beside a bubble: Edit (own text) and Delete (own, or anyone's for a super admin). */
export function MessageMenu({
  onEdit,
  onDelete,
  mine,
}: {
  onEdit?: (() => void) | undefined;
  onDelete?: (() => void) | undefined;
  /** My bubble: the menu opens over it, to the right of the button. */
  mine: boolean;
}) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(ref, open, close);
  if (!onEdit && !onDelete) return null;
  const pick = (f: () => void) => () => {
    setOpen(false);
    f();
  };
  return (
    <div ref={ref} className="relative">
      <button
        type="button"
        data-testid="message-menu"
        aria-label="More actions"
        aria-haspopup="menu"
        aria-expanded={open}
        title="More"
        onClick={() => setOpen(!open)}
        className={`rounded-full p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100 ${focusRing}`}
      >
        <MoreIcon />
      </button>
      {open && (
        <div
          role="menu"
          className={`absolute bottom-full z-30 mb-1 w-36 rounded-xl border border-zinc-200 bg-white p-1 text-zinc-800 shadow-xl ${mine ? "left-0" : "right-0"} dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100`}
        >
          {onEdit && (
            <button
              type="button"
              role="menuitem"
              data-testid="edit-message"
              onClick={pick(onEdit)}
              className={menuItem}
            >
              <PencilIcon /> Edit
            </button>
          )}
          {onDelete && (
            <button
              type="button"
              role="menuitem"
              data-testid="delete-message"
              onClick={pick(onDelete)}
              className={`${menuItem} text-red-700 dark:text-red-400`}
            >
              <TrashIcon /> Delete
            </button>
          )}
        </div>
      )}
    </div>
  );
}
