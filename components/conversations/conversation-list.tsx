"use client";
import { useMemo } from "react";
import type { ConsentState } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { useSummaries } from "@/components/client/use-summaries";
import { shortAddress } from "@/components/format/address";
import { CopyButton } from "@/components/ui/copy-button";
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
  const all = useSummaries(client);
  const list = useMemo(
    () =>
      all
        ?.filter((c) => c.consent === consent)
        .sort((a, b) =>
          a.lastActivityNs === b.lastActivityNs ? 0 : a.lastActivityNs > b.lastActivityNs ? -1 : 1,
        ),
    [all, consent],
  );

  if (list === undefined) return <ListSkeleton />;
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
    </ul>
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
