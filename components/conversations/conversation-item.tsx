"use client";
import type { ConversationSummary } from "@/lib/client";
import { shortAddress } from "@/components/format/address";
import { nsToDate, relativeTime } from "@/components/format/time";
import { Avatar } from "@/components/ui/avatar";
import { buttonStyles } from "@/components/ui/button-styles";
import { GroupAvatar, groupTitle } from "@/components/group/group-avatar";
import { useName } from "@/components/names/use-name";
import { PinIcon } from "@/components/ui/icons";
import { ConversationMenu } from "./conversation-menu";
import { conversationHref, openConversation } from "./navigation";

export function conversationName(
  c: Pick<ConversationSummary, "kind" | "name" | "peerAddress">,
  ensName?: string,
): string {
  return c.kind === "group"
    ? groupTitle(c.name)
    : (c.name ?? ensName ?? shortAddress(c.peerAddress));
}

/** One row: who, the last message, when, and how many are unread. */
export function ConversationItem({
  c,
  active,
  now,
}: {
  c: ConversationSummary;
  active: boolean;
  now: Date;
}) {
  const unread = c.unreadCount > 0;
  const known = useName(c.kind === "dm" ? c.peerAddress : undefined, {
    remoteAvatar: c.consent === "allowed",
  });
  const ensName = known?.name;
  const name = conversationName(c, ensName);
  // A name shows the address next to it: the name is a claim checked on chain, the address is who it is.
  const named = c.kind === "dm" && !c.name && ensName !== undefined;
  const when = nsToDate(c.lastActivityNs);
  return (
    <li className="group relative">
      <a
        href={conversationHref(c.id)}
        data-testid="conversation-item"
        data-conversation-id={c.id}
        aria-current={active ? "page" : undefined}
        onClick={(e) => {
          if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          openConversation(c.id);
        }}
        className={`mx-2 flex items-center gap-3 rounded-xl px-3 py-3 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 ${
          active
            ? "bg-indigo-50 dark:bg-indigo-500/15"
            : "hover:bg-zinc-100 dark:hover:bg-zinc-800/70"
        }`}
      >
        {c.kind === "group" ? (
          <GroupAvatar id={c.id} name={c.name} />
        ) : (
          <Avatar seed={c.peerAddress ?? c.id} imageUrl={known?.avatarUrl} />
        )}
        <span className="min-w-0 flex-1">
          <span className="flex items-baseline justify-between gap-2">
            <span className="flex min-w-0 items-baseline gap-1.5">
              <span
                data-testid="conversation-name"
                className={`truncate text-[0.95rem] ${c.kind === "group" || named ? "" : "font-mono"} ${unread ? "font-semibold" : "font-medium"}`}
                title={c.peerAddress}
              >
                {name}
              </span>
              {named && (
                <span className="shrink-0 font-mono text-xs text-zinc-500 dark:text-zinc-400">
                  {shortAddress(c.peerAddress)}
                </span>
              )}
            </span>
            <span className="flex shrink-0 items-center gap-1">
              {c.pinned && (
                <span
                  data-testid="pinned-mark"
                  title="Pinned"
                  className="text-zinc-500 dark:text-zinc-400"
                >
                  <PinIcon className="h-3.5 w-3.5" />
                  <span className="sr-only">Pinned</span>
                </span>
              )}
              <time
                dateTime={when.toISOString()}
                className={`text-xs ${unread ? "font-semibold text-indigo-700 dark:text-indigo-300" : "text-zinc-600 dark:text-zinc-400"}`}
              >
                {relativeTime(when, now)}
              </time>
            </span>
          </span>
          <span className="mt-0.5 flex items-center justify-between gap-2">
            <span
              className={`truncate text-sm ${
                unread ? "text-zinc-900 dark:text-zinc-100" : "text-zinc-600 dark:text-zinc-400"
              } ${c.lastMessagePreview === undefined ? "italic" : ""}`}
            >
              {c.lastMessagePreview === undefined
                ? c.kind === "group"
                  ? "New group"
                  : "No messages yet"
                : `${c.lastMessageFromMe ? "You: " : ""}${c.lastMessagePreview}`}
            </span>
            {unread && (
              <>
                <span
                  data-testid="unread-count"
                  aria-hidden
                  className="inline-flex h-5 min-w-5 shrink-0 items-center justify-center rounded-full bg-indigo-600 px-1.5 text-xs font-semibold text-white dark:bg-indigo-500"
                >
                  {c.unreadCount > 99 ? "99+" : c.unreadCount}
                </span>
                <span className="sr-only">, {c.unreadCount} unread</span>
              </>
            )}
          </span>
        </span>
      </a>
      {/* With a mouse, over the row's time; on a touch screen the thread header has the same menu. */}
      <div className="absolute top-2 right-4 opacity-0 group-hover:opacity-100 focus-within:opacity-100 pointer-coarse:hidden">
        <ConversationMenu
          c={c}
          className={`${buttonStyles.icon} h-8 w-8 bg-zinc-100 shadow-sm dark:bg-zinc-800`}
        />
      </div>
    </li>
  );
}
