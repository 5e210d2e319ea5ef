"use client";
import { buttonStyles } from "@/components/ui/button-styles";

/** A backup panel at rest: what it does (or what the last run did) and the button that opens it. */
export function PanelStart(props: {
  text: string;
  textTestId: string;
  label: string;
  buttonTestId: string;
  onStart: () => void;
}) {
  return (
    <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
      <p
        role="status"
        data-testid={props.textTestId}
        className="flex-1 text-sm text-zinc-600 dark:text-zinc-400"
      >
        {props.text}
      </p>
      <button
        type="button"
        data-testid={props.buttonTestId}
        className={buttonStyles.secondary}
        onClick={props.onStart}
      >
        {props.label}
      </button>
    </div>
  );
}
