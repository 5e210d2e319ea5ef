"use client";
import type { BackupProgress } from "@/lib/client";
import { Spinner } from "@/components/ui/spinner";

/** What a backup or restore is doing now, in words and a bar. */
export function ProgressLine({ progress }: { progress: BackupProgress | "starting" }) {
  const { text, fraction } = describe(progress);
  return (
    <div data-testid="backup-progress" role="status" className="space-y-1.5">
      <p className="flex items-center gap-2 text-sm text-zinc-700 dark:text-zinc-300">
        <Spinner /> {text}
      </p>
      <div className="h-1.5 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
        <div
          className="h-full rounded-full bg-indigo-600 transition-[width] dark:bg-indigo-400"
          style={{ width: `${Math.round(fraction * 100)}%` }}
        />
      </div>
    </div>
  );
}

function describe(p: BackupProgress | "starting"): { text: string; fraction: number } {
  if (p === "starting") return { text: "Starting…", fraction: 0 };
  switch (p.phase) {
    case "key":
      return { text: "Turning the passphrase into a key…", fraction: p.fraction };
    case "writing":
      return {
        text: `Sealing messages: ${p.messages.toLocaleString()} of about ${p.total.toLocaleString()}`,
        fraction: p.total ? Math.min(1, p.messages / p.total) : 1,
      };
    case "checking":
      return { text: "Checking the whole file…", fraction: p.fraction };
    case "restoring":
      return { text: "Restoring conversations and messages…", fraction: p.fraction };
  }
}
