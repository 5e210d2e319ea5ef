"use client";
import type { SearchGroup, SearchHit } from "@/lib/client";
import { conversationName } from "@/components/conversations/conversation-item";
import { openConversation } from "@/components/conversations/navigation";
import { nsToDate, relativeTime } from "@/components/format/time";
import { Avatar } from "@/components/ui/avatar";
import { GroupAvatar } from "@/components/group/group-avatar";
import { useName } from "@/components/names/use-name";
import { Spinner } from "@/components/ui/spinner";
import type { SearchState } from "./use-search";

/** Matches grouped by conversation; a click opens the thread at that message. */
export function SearchResults({ state, myInboxId }: { state: SearchState; myInboxId: string }) {
  if (state.status === "idle") return null;
  if (state.status === "searching")
    return (
      <p role="status" className="flex justify-center py-6 text-zinc-400">
        <Spinner />
        <span className="sr-only">Searching</span>
      </p>
    );
  if (state.status === "error")
    return (
      <p role="alert" className="px-6 py-6 text-sm text-red-600 dark:text-red-400">
        {state.message}
      </p>
    );
  if (state.groups.length === 0)
    return (
      <p
        data-testid="search-empty"
        className="px-6 py-10 text-center text-sm text-zinc-500 dark:text-zinc-400"
      >
        No messages found on this device.
      </p>
    );
  const now = new Date();
  return (
    <ul
      data-testid="search-results"
      aria-label="Search results"
      className="min-h-0 flex-1 overflow-y-auto pb-4"
    >
      {state.groups.map((g) => (
        <ResultGroup key={g.conversationId} group={g} myInboxId={myInboxId} now={now} />
      ))}
    </ul>
  );
}

function ResultGroup({
  group,
  myInboxId,
  now,
}: {
  group: SearchGroup;
  myInboxId: string;
  now: Date;
}) {
  const c = group.conversation;
  const known = useName(c.kind === "dm" ? c.peerAddress : undefined, {
    remoteAvatar: c.consent === "allowed",
  });
  const name = conversationName(c, known?.name);
  return (
    <li data-testid="search-group" data-conversation-id={group.conversationId} className="mt-2">
      <h2 className="flex items-center gap-2 px-6 py-1.5 text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
        {c.kind === "group" ? (
          <GroupAvatar id={c.id} name={c.name} size="xs" />
        ) : (
          <Avatar seed={c.peerAddress ?? c.id} size="xs" imageUrl={known?.avatarUrl} />
        )}
        <span className={`truncate normal-case ${c.kind === "group" ? "" : "font-mono"}`}>
          {name}
        </span>
        <span className="ml-auto shrink-0 font-normal normal-case">
          {group.messages.length === 1 ? "1 match" : `${group.messages.length} matches`}
        </span>
      </h2>
      <ul>
        {group.messages.map((m) => (
          <ResultRow
            key={m.id}
            conversationId={group.conversationId}
            hit={m}
            mine={m.senderInboxId === myInboxId}
            now={now}
          />
        ))}
      </ul>
    </li>
  );
}

function ResultRow({
  conversationId,
  hit,
  mine,
  now,
}: {
  conversationId: string;
  hit: SearchHit;
  mine: boolean;
  now: Date;
}) {
  const { text, match } = hit.snippet;
  return (
    <li>
      <button
        type="button"
        data-testid="search-result"
        data-message-id={hit.id}
        onClick={() => openConversation(conversationId, hit.id)}
        className="mx-2 flex w-[calc(100%-1rem)] items-baseline gap-3 rounded-xl px-4 py-2.5 text-left outline-none hover:bg-zinc-100 focus-visible:ring-2 focus-visible:ring-indigo-500 dark:hover:bg-zinc-800/70"
      >
        <span className="line-clamp-2 min-w-0 flex-1 text-sm break-words text-zinc-700 dark:text-zinc-300">
          {mine && <span className="text-zinc-500 dark:text-zinc-400">You: </span>}
          {text.slice(0, match.start)}
          <mark className="rounded-sm bg-amber-200 px-0.5 text-zinc-900 dark:bg-amber-400/40 dark:text-zinc-50">
            {text.slice(match.start, match.end)}
          </mark>
          {text.slice(match.end)}
        </span>
        <time className="shrink-0 text-xs text-zinc-500 dark:text-zinc-400">
          {relativeTime(nsToDate(hit.sentAtNs), now)}
        </time>
      </button>
    </li>
  );
}
