"use client";
import { useClient } from "@/components/client/client-context";
import { useSummaries } from "@/components/client/use-summaries";
import { focusRing } from "@/components/ui/button-styles";

type Tab = "allowed" | "unknown";

/** Messages (people you talk to) and Requests (strangers), with how many requests wait. */
export function InboxTabs({ tab, onChange }: { tab: Tab; onChange: (t: Tab) => void }) {
  const { client } = useClient();
  const requests = useSummaries(client)?.filter((c) => c.consent === "unknown").length ?? 0;
  const item = (value: Tab, label: string, testId: string, count?: number) => (
    <button
      type="button"
      role="tab"
      data-testid={testId}
      aria-selected={tab === value}
      onClick={() => onChange(value)}
      className={`inline-flex items-center gap-1.5 rounded-full px-3.5 py-1.5 text-sm font-medium ${
        tab === value
          ? "bg-zinc-900 text-white dark:bg-white dark:text-zinc-900"
          : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
      } ${focusRing}`}
    >
      {label}
      {count !== undefined && count > 0 && (
        <span
          data-testid="requests-count"
          className={`min-w-5 rounded-full px-1.5 text-xs ${
            tab === value ? "bg-white/20" : "bg-indigo-600 text-white dark:bg-indigo-500"
          }`}
        >
          {count}
        </span>
      )}
    </button>
  );
  return (
    <div role="tablist" aria-label="Inbox" className="flex gap-1 px-4 pb-1">
      {item("allowed", "Messages", "tab-inbox")}
      {item("unknown", "Requests", "tab-requests", requests)}
    </div>
  );
}
