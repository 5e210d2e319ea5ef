"use client";
import { useRef, useState } from "react";
import { focusRing } from "@/components/ui/button-styles";
import { ReplyIcon as ReplyGlyph, SmileIcon as SmileGlyph } from "@/components/ui/icons";
import { MessageMenu } from "./message-menu";
import { ReactionPicker } from "./reaction-picker";
import type { ReactionSummary } from "./thread-model";
import { useThreadActions } from "./thread-actions";

/** Reactions under a bubble: emoji, count, who (on hover); tap toggles mine. */
export function ReactionBar({
  messageId,
  reactions,
  mine,
}: {
  messageId: string;
  reactions: ReactionSummary[];
  mine: boolean;
}) {
  const { react, name } = useThreadActions();
  return (
    <ul
      aria-label="Reactions"
      className={`-mt-1.5 flex flex-wrap gap-1 ${mine ? "justify-end pr-2" : "pl-2"}`}
    >
      {reactions.map((r) => {
        const who = r.inboxIds.map(name).join(", ");
        return (
          <li key={r.emoji}>
            <button
              type="button"
              data-testid="reaction"
              data-emoji={r.emoji}
              aria-pressed={r.mine}
              title={`${who} reacted ${r.emoji}`}
              aria-label={`${r.emoji} ${r.inboxIds.length}: ${who}. ${r.mine ? "Tap to remove yours" : "Tap to add yours"}`}
              onClick={() => react(messageId, r.emoji, r.mine ? "removed" : "added")}
              className={`inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-sm shadow-sm ${
                r.mine
                  ? "border-indigo-300 bg-indigo-50 text-indigo-900 dark:border-indigo-500/60 dark:bg-indigo-500/20 dark:text-indigo-100"
                  : "border-zinc-200 bg-white text-zinc-700 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200"
              } ${focusRing}`}
            >
              <span aria-hidden>{r.emoji}</span>
              <span aria-hidden className="text-xs font-medium">
                {r.inboxIds.length}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** The react, reply and more (edit, delete) buttons beside a bubble, shown on hover or focus. */
export function MessageActions({
  messageId,
  onReply,
  onEdit,
  onDelete,
  mine,
}: {
  messageId: string;
  onReply: () => void;
  onEdit?: (() => void) | undefined;
  onDelete?: (() => void) | undefined;
  mine: boolean;
}) {
  const { react } = useThreadActions();
  const [picking, setPicking] = useState<"quick" | "full" | false>(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <div className="relative flex items-center gap-0.5 opacity-0 transition-opacity group-focus-within/msg:opacity-100 group-hover/msg:opacity-100 has-[[aria-expanded=true]]:opacity-100 [@media(hover:none)]:opacity-100">
      <button
        type="button"
        ref={button}
        data-testid="react"
        aria-label="React"
        aria-expanded={picking !== false}
        title="React"
        onClick={() => setPicking(picking ? false : "quick")}
        className={`rounded-full p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100 ${focusRing}`}
      >
        <SmileGlyph />
      </button>
      <button
        type="button"
        data-testid="reply"
        aria-label="Reply"
        title="Reply"
        onClick={onReply}
        className={`rounded-full p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100 ${focusRing}`}
      >
        <ReplyGlyph />
      </button>
      <MessageMenu onEdit={onEdit} onDelete={onDelete} mine={mine} />
      {picking && (
        <ReactionPicker
          anchor={button}
          full={picking === "full"}
          onMore={() => setPicking("full")}
          onPick={(emoji) => {
            setPicking(false);
            react(messageId, emoji, "added");
          }}
          onClose={() => setPicking(false)}
        />
      )}
    </div>
  );
}
