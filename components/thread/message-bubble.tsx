import { memo } from "react";
import type { DecodedMessage } from "@/lib/client";
import { linkify } from "@/components/format/linkify";
import { fullDateTime, nsToDate, timeOfDay } from "@/components/format/time";
import { MessageStatusIcon } from "./message-status";

type Props = {
  m: DecodedMessage;
  mine: boolean;
  /** First of a run from the same sender (more space above). */
  first: boolean;
  onRetry: (id: string) => void;
  /** The sender's name, above the first bubble of a run in a group. */
  senderLabel?: string;
};

/** One bubble: text (links made safe), time of day, and for mine the delivery status. */
export const MessageBubble = memo(function MessageBubble({
  m,
  mine,
  first,
  onRetry,
  senderLabel,
}: Props) {
  const when = nsToDate(m.sentAtNs);
  const text = typeof m.content === "string" ? m.content : undefined;
  const failed = m.status === "failed";
  const tone = mine
    ? failed
      ? "bg-indigo-600/70 text-white dark:bg-indigo-500/60"
      : "bg-indigo-600 text-white dark:bg-indigo-500"
    : "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100";
  const linkClass = mine
    ? "underline decoration-white/60 underline-offset-2"
    : "text-indigo-700 underline underline-offset-2 dark:text-indigo-300";
  return (
    <li
      data-testid="message"
      data-message-id={m.id}
      data-status={m.status}
      className={`flex flex-col ${mine ? "items-end" : "items-start"} ${first ? "mt-3" : "mt-0.5"}`}
    >
      {senderLabel && (
        <span
          data-testid="message-sender"
          className="mb-0.5 ml-3 font-mono text-xs text-zinc-500 dark:text-zinc-400"
        >
          {senderLabel}
        </span>
      )}
      <div
        className={`relative max-w-[min(80%,36rem)] rounded-2xl px-3.5 py-2 ${tone} ${
          mine ? "rounded-br-md" : "rounded-bl-md"
        }`}
      >
        <p className="text-[0.95rem] leading-snug break-words whitespace-pre-wrap">
          {text !== undefined ? (
            linkify(text, linkClass)
          ) : (
            <em className="opacity-80">{m.fallback ?? "This message can't be shown here."}</em>
          )}
          {/* Room for the time so it never overlaps the last line. */}
          <span aria-hidden className={`inline-block ${mine ? "w-20" : "w-12"}`} />
        </p>
        <span
          className={`absolute right-2.5 bottom-1.5 flex items-center gap-1 text-[0.7rem] leading-none ${
            mine ? "text-indigo-100" : "text-zinc-500 dark:text-zinc-400"
          }`}
        >
          <time dateTime={when.toISOString()} title={fullDateTime(when)}>
            {timeOfDay(when)}
          </time>
          {mine && <MessageStatusIcon status={m.status} />}
        </span>
      </div>
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
