"use client";
import Link from "next/link";
import { useClient } from "@/components/client/client-context";
import { Spinner } from "@/components/ui/spinner";
import { useBroadcastProgress, useLatestBroadcast } from "./use-broadcast";

/** While a broadcast runs, wherever the person is in the list: "Broadcast: 3 of 10". */
export function BroadcastBanner() {
  const { client } = useClient();
  const p = useBroadcastProgress(useLatestBroadcast(client));
  if (!p?.running) return null;
  return (
    <Link
      href="/broadcast"
      data-testid="broadcast-banner"
      className="mx-4 mb-2 flex items-center gap-2 rounded-xl bg-indigo-50 px-3 py-2 text-sm text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100"
    >
      <Spinner />
      <span>
        Broadcast: {p.done} of {p.total} done
      </span>
    </Link>
  );
}
