"use client";
import { useState } from "react";
import { buttonStyles } from "@/components/ui/button-styles";
import { TimerDialog } from "./timer-dialog";
import { TimerIcon } from "./timer-icon";
import { timerShort, timerWords } from "./timer-copy";

/** The thread header's timer: its label when one is on ("1h"), a tap opens the setting. */
export function TimerButton({
  conversationId,
  inNs,
}: {
  conversationId: string;
  inNs: bigint | undefined;
}) {
  const [open, setOpen] = useState(false);
  const label = inNs ? `Disappearing messages: ${timerWords(inNs)}` : "Disappearing messages: off";
  return (
    <>
      <button
        type="button"
        data-testid="disappearing-timer"
        aria-label={label}
        title={label}
        className={
          inNs
            ? `${buttonStyles.ghost} h-10 shrink-0 gap-1 px-2.5 text-indigo-700 dark:text-indigo-300`
            : buttonStyles.icon
        }
        onClick={() => setOpen(true)}
      >
        <TimerIcon className="h-5 w-5" />
        {inNs ? (
          <span data-testid="disappearing-timer-label" className="text-xs font-semibold">
            {timerShort(inNs)}
          </span>
        ) : null}
      </button>
      <TimerDialog
        open={open}
        onClose={() => setOpen(false)}
        conversationId={conversationId}
        inNs={inNs}
      />
    </>
  );
}
