"use client";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { useClient } from "@/components/client/client-context";
import { HistoryBanner } from "@/components/devices/history-banner";
import { RevokedNotice } from "@/components/devices/revoked-notice";
import { Thread } from "@/components/thread/thread";
import { LockIcon } from "@/components/ui/icons";
import { ListPane } from "./list-pane";

/** `/conversations`: list beside thread on desktop; list OR thread on a phone. */
export function MessengerShell() {
  const params = useSearchParams();
  const openId = params.get("c");
  const focusId = params.get("m") ?? undefined;
  const { revoked } = useClient();
  const [keepReading, setKeepReading] = useState(false);
  // Revoked: the notice comes first and the rest waits (inert) until the person chooses.
  const blocking = revoked && !keepReading;
  return (
    <div className="flex h-dvh flex-col overflow-hidden">
      {blocking && <RevokedNotice onKeepReading={() => setKeepReading(true)} />}
      <HistoryBanner />
      <div className="flex min-h-0 flex-1 overflow-hidden" inert={blocking}>
        <aside
          aria-label="Conversation list"
          className={`${openId ? "hidden md:flex" : "flex"} w-full flex-col border-zinc-200 md:w-[22rem] md:shrink-0 md:border-r lg:w-[24rem] dark:border-zinc-800`}
        >
          <ListPane openId={openId} />
        </aside>
        <main className={`${openId ? "flex" : "hidden md:flex"} min-w-0 flex-1 flex-col`}>
          {openId ? (
            <Thread key={openId} conversationId={openId} focusMessageId={focusId} />
          ) : (
            <NoThread />
          )}
        </main>
      </div>
    </div>
  );
}

function NoThread() {
  return (
    <div className="flex flex-1 flex-col items-center justify-center gap-3 bg-zinc-50 p-8 text-center dark:bg-zinc-900/40">
      <span className="inline-flex h-14 w-14 items-center justify-center rounded-full bg-white text-zinc-400 shadow-sm dark:bg-zinc-800">
        <LockIcon className="h-6 w-6" />
      </span>
      <h2 className="font-medium">Pick a conversation</h2>
      <p className="max-w-xs text-sm text-zinc-500 dark:text-zinc-400">
        Messages are end-to-end encrypted. Only the people in a conversation can read them.
      </p>
    </div>
  );
}
