import { memo, useState } from "react";
import type { DecodedMessage, Reply } from "@/lib/client";
import { fullDateTime, nsToDate, timeOfDay } from "@/components/format/time";
import { CT } from "./content-types";
import { MessageContent, snippetOf } from "./message-content";
import { MessageStatusIcon } from "./message-status";
import { EditHistory } from "./edit-history";
import { MessageActions, ReactionBar } from "./reaction-bar";
import { useThreadActions } from "./thread-actions";
import type { EditVersion, ReactionSummary } from "./thread-model";

type Props = {
  m: DecodedMessage;
  mine: boolean;
  /** First of a run from the same sender (more space above). */
  first: boolean;
  onRetry: (id: string) => void;
  /** The sender's name, above the first bubble of a run in a group. */
  senderLabel?: string;
  reactions?: ReactionSummary[];
  /** For a reply: the message it answers, when this page holds it. */
  replyTarget?: DecodedMessage;
  /** "Seen" under this (my last) message. */
  seen?: boolean;
  /** Its edits, oldest first: the last is what it says now. */
  edits?: EditVersion[];
};

/** One bubble: content, time, my delivery status; reactions under it; react/reply beside it. */
export const MessageBubble = memo(function MessageBubble({
  m,
  mine,
  first,
  onRetry,
  senderLabel,
  reactions,
  replyTarget,
  seen,
  edits,
}: Props) {
  const actions = useThreadActions();
  const [history, setHistory] = useState(false);
  const latest = edits?.at(-1);
  // An edit keeps the message's place: the same bubble shows the newest words.
  const shown: DecodedMessage = latest
    ? { ...m, contentType: latest.contentType, content: latest.content }
    : m;
  if (m.deleted) return <DeletedBubble m={m} mine={mine} first={first} senderLabel={senderLabel} />;
  const when = nsToDate(m.sentAtNs);
  const failed = m.status === "failed";
  const tone = mine
    ? failed
      ? "bg-indigo-600/70 text-white dark:bg-indigo-500/60"
      : "bg-indigo-600 text-white dark:bg-indigo-500"
    : "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100";
  const linkClass = mine
    ? "underline decoration-white/60 underline-offset-2"
    : "text-indigo-700 underline underline-offset-2 dark:text-indigo-300";
  const reply = m.contentType === CT.reply ? (m.content as Reply | undefined) : undefined;
  return (
    <li
      data-testid="message"
      data-message-id={m.id}
      data-status={m.status}
      className={`group/msg flex scroll-mt-24 flex-col rounded-2xl transition-colors target:bg-indigo-500/10 ${mine ? "items-end" : "items-start"} ${first ? "mt-3" : "mt-0.5"}`}
    >
      {senderLabel && (
        <span
          data-testid="message-sender"
          className="mb-0.5 ml-3 font-mono text-xs text-zinc-500 dark:text-zinc-400"
        >
          {senderLabel}
        </span>
      )}
      <div className={`flex max-w-full items-center gap-1 ${mine ? "flex-row-reverse" : ""}`}>
        <div
          className={`relative max-w-[min(80vw,36rem)] min-w-0 rounded-2xl px-3.5 py-2 ${tone} ${
            mine ? "rounded-br-md" : "rounded-bl-md"
          }`}
        >
          {reply && (
            <button
              type="button"
              data-testid="reply-quote"
              onClick={() => actions.jumpTo(reply.reference)}
              className={`mb-1.5 block w-full rounded-lg border-l-4 px-2.5 py-1 text-left text-sm ${
                mine
                  ? "border-white/70 bg-white/15 text-white/90"
                  : "border-indigo-400 bg-white/70 text-zinc-700 dark:bg-zinc-900/60 dark:text-zinc-300"
              }`}
            >
              <span className="block text-xs font-semibold opacity-80">
                {replyTarget ? actions.name(replyTarget.senderInboxId) : "Earlier message"}
              </span>
              <span
                className={`line-clamp-2 break-words ${replyTarget?.deleted ? "italic opacity-80" : ""}`}
              >
                {replyTarget?.deleted
                  ? "Deleted message"
                  : replyTarget
                    ? snippetOf(replyTarget)
                    : "Not loaded — tap to look for it"}
              </span>
            </button>
          )}
          <div className="text-[0.95rem] leading-snug break-words whitespace-pre-wrap">
            <MessageContent m={shown} mine={mine} linkClass={linkClass} />
            {/* Room for the time so it never overlaps the last line. */}
            <span
              aria-hidden
              className={`inline-block ${latest ? (mine ? "w-32" : "w-24") : mine ? "w-20" : "w-12"}`}
            />
          </div>
          <span
            className={`absolute right-2.5 bottom-1.5 flex items-center gap-1 text-[0.7rem] leading-none ${
              mine ? "text-indigo-100" : "text-zinc-500 dark:text-zinc-400"
            }`}
          >
            {latest && (
              <button
                type="button"
                data-testid="edited-mark"
                aria-expanded={history}
                aria-label="Edited: show earlier versions"
                onClick={() => setHistory(!history)}
                className="rounded underline decoration-dotted underline-offset-2 hover:opacity-80"
              >
                edited
              </button>
            )}
            <time dateTime={when.toISOString()} title={fullDateTime(when)}>
              {timeOfDay(when)}
            </time>
            {mine && <MessageStatusIcon status={m.status} />}
          </span>
        </div>
        {m.status === "published" && (
          <MessageActions
            messageId={m.id}
            mine={mine}
            onReply={() => actions.replyTo(m)}
            onEdit={
              actions.canEdit(m)
                ? () => actions.startEdit(m, typeof shown.content === "string" ? shown.content : "")
                : undefined
            }
            onDelete={actions.canDelete(m) ? () => actions.askDelete(m) : undefined}
          />
        )}
      </div>
      {history && edits && typeof m.content === "string" && (
        <EditHistory
          original={{ content: m.content, atNs: m.sentAtNs }}
          edits={edits}
          mine={mine}
        />
      )}
      {reactions && reactions.length > 0 && (
        <ReactionBar messageId={m.id} reactions={reactions} mine={mine} />
      )}
      {seen && (
        <p
          data-testid="read-receipt"
          className="mt-0.5 mr-1 text-xs text-zinc-500 dark:text-zinc-400"
        >
          Seen
        </p>
      )}
      {failed && mine && (
        <p className="mt-1 flex items-center gap-2 text-xs text-red-700 dark:text-red-400">
          Not sent.
          <button
            type="button"
            data-testid="retry-message"
            onClick={() => onRetry(m.id)}
            className="rounded font-semibold underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-red-600"
          >
            Retry
          </button>
        </p>
      )}
    </li>
  );
});

/** What is left of a message deleted for everyone: its place, its time, who deleted it. */
function DeletedBubble({
  m,
  mine,
  first,
  senderLabel,
}: {
  m: DecodedMessage;
  mine: boolean;
  first: boolean;
  senderLabel?: string | undefined;
}) {
  const when = nsToDate(m.sentAtNs);
  return (
    <li
      data-testid="message"
      data-message-id={m.id}
      data-deleted="true"
      className={`flex scroll-mt-24 flex-col ${mine ? "items-end" : "items-start"} ${first ? "mt-3" : "mt-0.5"}`}
    >
      {senderLabel && (
        <span className="mb-0.5 ml-3 font-mono text-xs text-zinc-500 dark:text-zinc-400">
          {senderLabel}
        </span>
      )}
      <p
        data-testid="deleted-message"
        className={`flex items-baseline gap-3 rounded-2xl border border-dashed border-zinc-300 px-3.5 py-2 text-[0.95rem] text-zinc-500 italic dark:border-zinc-700 dark:text-zinc-400 ${mine ? "rounded-br-md" : "rounded-bl-md"}`}
      >
        {m.deleted?.byAdmin ? "This message was deleted by an admin" : "This message was deleted"}
        <time
          dateTime={when.toISOString()}
          title={fullDateTime(when)}
          className="text-[0.7rem] not-italic"
        >
          {timeOfDay(when)}
        </time>
      </p>
    </li>
  );
}
