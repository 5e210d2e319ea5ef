"use client";
import { useCallback, useRef, useState } from "react";
import type { ConversationSummary } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { menuItem } from "@/components/ui/menu-item";
import { useDismiss } from "@/components/ui/use-dismiss";
import { buttonStyles } from "@/components/ui/button-styles";
import { ArchiveIcon, MoreIcon, PinIcon } from "@/components/ui/icons";

/**
 * "⋯" for one conversation: Pin / Unpin and Archive / Unarchive. The choice is the user's,
 * shown on every one of their devices (it travels through their SYNC group).
 */
export function ConversationMenu({
  c,
  className = buttonStyles.icon,
}: {
  c: Pick<ConversationSummary, "id" | "pinned" | "archived">;
  className?: string;
}) {
  const { client } = useClient();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(ref, open, close);
  const act =
    (
      f: (
        x: NonNullable<Awaited<ReturnType<typeof client.conversations.getById>>>,
      ) => Promise<void>,
    ) =>
    () => {
      setOpen(false);
      void client.conversations
        .getById(c.id)
        .then((x) => x && f(x))
        .catch(() => undefined); // stored here first: only the other devices may hear of it late
    };
  return (
    <div ref={ref} className="relative">
      <button
        type="button"
        data-testid="conversation-menu"
        aria-label="Conversation actions"
        aria-haspopup="menu"
        aria-expanded={open}
        title="More"
        onClick={() => setOpen(!open)}
        className={className}
      >
        <MoreIcon className="h-5 w-5" />
      </button>
      {open && (
        <div
          role="menu"
          className="absolute top-full right-0 z-30 mt-1 w-44 rounded-xl border border-zinc-200 bg-white p-1 text-zinc-800 shadow-xl dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        >
          <button
            type="button"
            role="menuitem"
            data-testid={c.pinned ? "unpin-conversation" : "pin-conversation"}
            onClick={act((x) => x.setPinned(!c.pinned))}
            className={menuItem}
          >
            <PinIcon /> {c.pinned ? "Unpin" : "Pin to top"}
          </button>
          <button
            type="button"
            role="menuitem"
            data-testid={c.archived ? "unarchive-conversation" : "archive-conversation"}
            onClick={act((x) => x.setArchived(!c.archived))}
            className={menuItem}
          >
            <ArchiveIcon /> {c.archived ? "Unarchive" : "Archive"}
          </button>
        </div>
      )}
    </div>
  );
}
