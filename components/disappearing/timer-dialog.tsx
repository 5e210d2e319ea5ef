"use client";
import { useEffect, useState } from "react";
import type { Ability } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { ActionError } from "@/components/group/action-error";
import { whyNotTo } from "@/components/group/permission-copy";
import { Dialog } from "@/components/ui/dialog";
import { focusRing } from "@/components/ui/button-styles";
import { Spinner } from "@/components/ui/spinner";
import { TIMER_CHOICES } from "./timer-copy";

/**
 * The conversation's disappearing-message setting: one choice applies at once (a commit
 * every member checks); who may not change it is told who may.
 */
export function TimerDialog({
  open,
  onClose,
  conversationId,
  inNs,
}: {
  open: boolean;
  onClose: () => void;
  conversationId: string;
  /** The timer in force (undefined: off). */
  inNs: bigint | undefined;
}) {
  const { client } = useClient();
  const [ability, setAbility] = useState<Ability>();
  const [busy, setBusy] = useState<bigint>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!open) return;
    let live = true;
    void client.conversations
      .getById(conversationId)
      .then((c) => c?.canChangeDisappearingMessages())
      .then((a) => live && setAbility(a))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [client, conversationId, open]);
  const current = inNs ?? 0n;
  const why = ability ? whyNotTo(ability, "change the timer") : undefined;
  const choose = async (ns: bigint) => {
    if (ns === current || busy !== undefined) return;
    setBusy(ns);
    setError(undefined);
    try {
      const c = await client.conversations.getById(conversationId);
      await c?.setDisappearingMessages(ns === 0n ? null : ns);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <Dialog
      open={open}
      onClose={() => {
        setError(undefined);
        onClose();
      }}
      title="Disappearing messages"
      description="New messages vanish for everyone this long after they're sent. Messages already sent keep the timer they had."
    >
      <div role="radiogroup" aria-label="Timer" className="flex flex-col gap-1">
        {TIMER_CHOICES.map((c) => {
          const checked = c.inNs === current;
          return (
            <button
              key={c.label}
              type="button"
              role="radio"
              aria-checked={checked}
              data-testid={`timer-choice-${c.label.replace(" ", "-").toLowerCase()}`}
              disabled={!ability?.allowed || busy !== undefined}
              onClick={() => void choose(c.inNs)}
              className={`flex items-center justify-between rounded-xl px-3 py-2.5 text-left text-sm disabled:cursor-not-allowed ${
                checked
                  ? "bg-indigo-50 font-medium text-indigo-900 dark:bg-indigo-500/15 dark:text-indigo-100"
                  : "hover:bg-zinc-100 disabled:opacity-60 dark:hover:bg-zinc-800"
              } ${focusRing}`}
            >
              {c.label}
              {busy === c.inNs ? (
                <Spinner />
              ) : (
                <span
                  aria-hidden
                  className={`h-4 w-4 rounded-full border-2 ${checked ? "border-indigo-600 bg-indigo-600 shadow-[inset_0_0_0_2px_white] dark:border-indigo-400 dark:bg-indigo-400 dark:shadow-[inset_0_0_0_2px_rgb(24_24_27)]" : "border-zinc-300 dark:border-zinc-600"}`}
                />
              )}
            </button>
          );
        })}
      </div>
      {why && (
        <p
          data-testid="timer-not-allowed"
          className="mt-3 text-sm text-zinc-600 dark:text-zinc-400"
        >
          {why}
        </p>
      )}
      <ActionError message={error} />
    </Dialog>
  );
}
