"use client";
import { useId } from "react";
import { focusRing } from "@/components/ui/button-styles";

export const inputClass = `w-full min-w-0 rounded-xl border border-zinc-300 bg-white px-3.5 py-2.5 text-base sm:text-sm dark:border-zinc-700 dark:bg-zinc-950 ${focusRing}`;

/** A labelled password input (the backup passphrase, typed by the person, never stored). */
export function PassphraseField({
  label,
  value,
  onChange,
  testId,
  autoComplete,
  describedBy,
  invalid,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  testId: string;
  autoComplete: "new-password" | "current-password";
  describedBy?: string;
  invalid?: boolean;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        type="password"
        data-testid={testId}
        autoComplete={autoComplete}
        spellCheck={false}
        value={value}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
        className={`mt-1.5 ${inputClass}`}
      />
    </div>
  );
}
