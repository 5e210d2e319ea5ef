"use client";
import { focusRing } from "@/components/ui/button-styles";
import { CloseIcon, FileIcon } from "@/components/ui/icons";
import { formatBytes } from "./format-bytes";
import type { Upload } from "./use-uploads";

/** Files being sent, above the composer: progress, cancel, and for a failure its reason + Retry. */
export function UploadTray({
  uploads,
  onCancel,
  onRetry,
}: {
  uploads: Upload[];
  onCancel: (id: number) => void;
  onRetry: (u: Upload) => void;
}) {
  if (uploads.length === 0) return null;
  return (
    <ul
      aria-label="Sending files"
      className="flex flex-col gap-1.5 border-t border-zinc-200 px-3 pt-2 dark:border-zinc-800"
    >
      {uploads.map((u) => (
        <li
          key={u.id}
          data-testid="upload"
          className="flex items-center gap-3 rounded-xl bg-zinc-50 px-3 py-2 text-sm dark:bg-zinc-900"
        >
          <FileIcon className="h-5 w-5 shrink-0 text-zinc-500" />
          <span className="min-w-0 flex-1">
            <span className="flex justify-between gap-2">
              <span className="truncate font-medium">{u.name}</span>
              <span className="shrink-0 text-xs text-zinc-500">{formatBytes(u.size)}</span>
            </span>
            {u.error ? (
              <span role="alert" className="block text-xs text-red-700 dark:text-red-400">
                Not sent: {u.error}.{" "}
                <button
                  type="button"
                  className="font-semibold underline"
                  onClick={() => onRetry(u)}
                >
                  Retry
                </button>
              </span>
            ) : (
              <span
                role="progressbar"
                data-testid="upload-progress"
                aria-label={`Sending ${u.name}`}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(u.progress * 100)}
                className="mt-1 block h-1.5 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
              >
                <span
                  className="block h-full rounded-full bg-indigo-600 transition-[width] dark:bg-indigo-400"
                  style={{ width: `${Math.max(4, u.progress * 100)}%` }}
                />
              </span>
            )}
          </span>
          <button
            type="button"
            data-testid="cancel-upload"
            aria-label={u.error ? `Dismiss ${u.name}` : `Cancel sending ${u.name}`}
            onClick={() => onCancel(u.id)}
            className={`rounded-full p-1.5 text-zinc-500 hover:bg-zinc-200 dark:hover:bg-zinc-800 ${focusRing}`}
          >
            <CloseIcon />
          </button>
        </li>
      ))}
    </ul>
  );
}
