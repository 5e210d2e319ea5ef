"use client";
import { useMemo, useState } from "react";
import type { ConsentState, ConversationSummary } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { useSummaries } from "@/components/client/use-summaries";
import { shortAddress } from "@/components/format/address";
import { CopyButton } from "@/components/ui/copy-button";
import { focusRing } from "@/components/ui/button-styles";
import { ArchiveIcon } from "@/components/ui/icons";
import { ConversationItem } from "./conversation-item";
import { useNow } from "./use-now";

/** Conversations in one consent state, most recent first, live from the local database. */
export function ConversationList({
  openId,
  onNewMessage,
  consent,
}: {
  openId: string | null;
  onNewMessage: () => void;
  /** "allowed": the inbox; "unknown": message requests. */
  consent: ConsentState;
}) {
  const { client } = useClient();
  const now = useNow();
  const [showArchived, setShowArchived] = useState(false);
  const summaries = useSummaries(client);
  const all = useMemo(
    () =>
      summaries
        ?.filter((c) => c.consent === consent)
        // Pinned on top, each part most recent first.
        .sort(
          (a, b) =>
            Number(b.pinned) - Number(a.pinned) ||
            (a.lastActivityNs === b.lastActivityNs
              ? 0
              : a.lastActivityNs > b.lastActivityNs
                ? -1
                : 1),
        ),
    [summaries, consent],
  );

  if (all === undefined) return <ListSkeleton />;
  const list = all.filter((c) => !c.archived);
  const archived = all.filter((c) => c.archived);
  if (list.length === 0 && archived.length > 0)
    return (
      <ul aria-label="Conversations" className="flex-1 space-y-0.5 overflow-y-auto py-2">
        <ArchivedSection
          archived={archived}
          open={showArchived}
          onToggle={() => setShowArchived(!showArchived)}
          openId={openId}
          now={now}
        />
      </ul>
    );
  if (list.length === 0 && consent === "unknown") {
    return (
      <div className="flex flex-1 flex-col items-center justify-center gap-2 px-8 py-12 text-center">
        <p className="font-medium">No message requests</p>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          When someone you haven&apos;t talked to writes to you, it waits here until you accept or
          block it.
        </p>
      </div>
    );
  }
  if (list.length === 0) {
    return (
      <div className="flex flex-1 flex-col items-center justify-center gap-3 px-8 py-12 text-center">
        <p className="font-medium">No conversations yet</p>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          Start one with any address that has activated messaging, or share yours:
        </p>
        <p className="flex items-center gap-1 font-mono text-sm">
          {shortAddress(client.address)}
          <CopyButton value={client.address} label="your address" />
        </p>
        <button
          type="button"
          onClick={onNewMessage}
          className="text-sm font-medium text-indigo-600 underline-offset-4 hover:underline dark:text-indigo-400"
        >
          Write a new message
        </button>
      </div>
    );
  }
  return (
    <ul
      aria-label={consent === "unknown" ? "Message requests" : "Conversations"}
      className="flex-1 space-y-0.5 overflow-y-auto py-2"
    >
      {list.map((c) => (
        <ConversationItem key={c.id} c={c} active={c.id === openId} now={now} />
      ))}
      {archived.length > 0 && (
        <ArchivedSection
          archived={archived}
          open={showArchived}
          onToggle={() => setShowArchived(!showArchived)}
          openId={openId}
          now={now}
        />
      )}
    </ul>
  );
}

/** "Archived (n)" at the end of the list; its conversations show when it is opened. */
function ArchivedSection({
  archived,
  open,
  onToggle,
  openId,
  now,
}: {
  archived: ConversationSummary[];
  open: boolean;
  onToggle: () => void;
  openId: string | null;
  now: Date;
}) {
  const unread = archived.reduce((n, c) => n + c.unreadCount, 0);
  return (
    <li>
      <button
        type="button"
        data-testid="archived-toggle"
        aria-expanded={open}
        onClick={onToggle}
        className={`mx-2 mt-2 flex w-[calc(100%-1rem)] items-center gap-3 rounded-xl px-3 py-2.5 text-left text-sm font-medium text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800/70 ${focusRing}`}
      >
        <span className="flex h-11 w-11 shrink-0 items-center justify-center rounded-full bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
          <ArchiveIcon className="h-5 w-5" />
        </span>
        <span className="flex-1">Archived</span>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">
          {archived.length}
          {unread > 0 ? ` · ${unread} unread` : ""}
        </span>
        <span
          aria-hidden
          className={`text-zinc-400 transition-transform ${open ? "rotate-90" : ""}`}
        >
          ›
        </span>
      </button>
      {open && (
        <ul aria-label="Archived conversations" data-testid="archived-list" className="space-y-0.5">
          {archived.map((c) => (
            <ConversationItem key={c.id} c={c} active={c.id === openId} now={now} />
          ))}
        </ul>
      )}
    </li>
  );
}

function ListSkeleton() {
  return (
    <div aria-hidden className="space-y-1 px-4 py-3">
      {[0, 1, 2].map((i) => (
        <div key={i} className="flex items-center gap-3 py-2">
          <div className="h-11 w-11 animate-pulse rounded-full bg-zinc-200 dark:bg-zinc-800" />
          <div className="flex-1 space-y-2">
            <div className="h-3 w-1/3 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
            <div className="h-3 w-2/3 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
          </div>
        </div>
      ))}
    </div>
  );
}
