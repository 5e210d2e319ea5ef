"use client";
import { useState } from "react";
import type { ConsentState, ConversationSummary } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { shortAddress } from "@/components/format/address";
import { buttonStyles } from "@/components/ui/button-styles";
import { Spinner } from "@/components/ui/spinner";
import { backToList } from "./navigation";

/**
 * In place of the composer while a conversation is not accepted: a request offers Accept
 * and Block; a blocked one offers Unblock. Blocking a DM blocks its sender everywhere.
 */
export function ConsentBar({ summary }: { summary: ConversationSummary }) {
  const { client } = useClient();
  const [busy, setBusy] = useState<ConsentState>();
  const [error, setError] = useState<string>();
  const who =
    summary.kind === "group" ? "this group" : shortAddress(summary.peerAddress ?? undefined);

  async function set(state: ConsentState) {
    setBusy(state);
    setError(undefined);
    try {
      await client.preferences.setConsentStates([
        { entity: { kind: "conversation", id: summary.id }, state },
        ...(summary.kind === "dm" && summary.peerInboxId
          ? [{ entity: { kind: "inbox" as const, inboxId: summary.peerInboxId }, state }]
          : []),
      ]);
      if (state === "denied") backToList();
    } catch {
      setError("That didn't save. Try again.");
    } finally {
      setBusy(undefined);
    }
  }

  const button = (state: ConsentState, label: string, style: string, testId: string) => (
    <button
      type="button"
      data-testid={testId}
      className={style}
      disabled={busy !== undefined}
      onClick={() => void set(state)}
    >
      {busy === state && <Spinner />}
      {label}
    </button>
  );

  return (
    <div
      data-testid={summary.consent === "denied" ? "blocked-bar" : "request-bar"}
      className="border-t border-zinc-200 bg-zinc-50 px-4 py-4 pb-[max(1rem,env(safe-area-inset-bottom))] dark:border-zinc-800 dark:bg-zinc-900"
    >
      {summary.consent === "denied" ? (
        <>
          <p className="text-sm text-zinc-700 dark:text-zinc-300">
            You blocked {who}. New messages from {summary.kind === "group" ? "it" : "them"} are not
            shown and never notify you.
          </p>
          <div className="mt-3 flex justify-end">
            {button("allowed", "Unblock", buttonStyles.secondary, "unblock-conversation")}
          </div>
        </>
      ) : (
        <>
          <p className="text-sm text-zinc-700 dark:text-zinc-300">
            <span className="font-medium">
              {summary.kind === "group"
                ? "You were added to this group."
                : `${who} wants to message you.`}
            </span>{" "}
            They won&apos;t know you&apos;ve read this unless you accept.
          </p>
          <div className="mt-3 flex justify-end gap-2">
            {button("denied", "Block", buttonStyles.ghost, "block-request")}
            {button("allowed", "Accept", buttonStyles.primary, "accept-request")}
          </div>
        </>
      )}
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}
