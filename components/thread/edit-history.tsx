"use client";
import { fullDateTime, nsToDate } from "@/components/format/time";
import type { EditVersion } from "./thread-model";

/** Every version of an edited message, newest first, the current one marked. */
export function EditHistory({
  original,
  edits,
  mine,
}: {
  original: { content: string; atNs: bigint };
  edits: EditVersion[];
  mine: boolean;
}) {
  const versions = [{ content: original.content, atNs: original.atNs }, ...edits].reverse();
  return (
    <ol
      data-testid="edit-history"
      aria-label="Edit history"
      className={`mt-1 max-w-[min(80vw,36rem)] space-y-1 rounded-xl border border-zinc-200 bg-white px-3 py-2 text-sm text-zinc-700 shadow-sm dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300 ${mine ? "mr-1" : "ml-1"}`}
    >
      {versions.map((v, i) => {
        const when = nsToDate(v.atNs);
        return (
          <li
            key={`${v.atNs}-${i}`}
            data-testid="edit-version"
            className="break-words whitespace-pre-wrap"
          >
            <span className="block text-xs text-zinc-500 dark:text-zinc-400">
              {i === 0 ? "Now" : i === versions.length - 1 ? "Original" : "Earlier"} ·{" "}
              <time dateTime={when.toISOString()}>{fullDateTime(when)}</time>
            </span>
            {v.content}
          </li>
        );
      })}
    </ol>
  );
}
