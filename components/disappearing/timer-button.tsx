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
        className={`${buttonStyles.icon} relative ${inNs ? "text-indigo-700 dark:text-indigo-300" : ""}`}
        onClick={() => setOpen(true)}
      >
        <TimerIcon className="h-5 w-5" />
        {/* A badge, so the bar keeps its width on a phone. */}
        {inNs ? (
          <span
            data-testid="disappearing-timer-label"
            className="absolute -right-0.5 bottom-0 rounded-full bg-indigo-600 px-1 text-[0.625rem] leading-4 font-semibold text-white ring-2 ring-white dark:bg-indigo-500 dark:ring-zinc-950"
          >
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
