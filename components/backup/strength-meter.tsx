"use client";
import type { PassphraseStrength } from "@/lib/client";

const LOOK = {
  too_weak: { label: "Too weak", bar: "bg-red-500", width: "w-1/4" },
  fair: { label: "Fair", bar: "bg-amber-500", width: "w-1/2" },
  good: { label: "Good", bar: "bg-emerald-500", width: "w-3/4" },
  strong: { label: "Strong", bar: "bg-emerald-600", width: "w-full" },
} as const;

/** The passphrase rule's verdict as a bar, a word and what to do about it. */
export function StrengthMeter({ id, strength }: { id: string; strength: PassphraseStrength }) {
  const look = LOOK[strength.level];
  return (
    <div id={id} data-testid="passphrase-strength" data-level={strength.level} aria-live="polite">
      <div className="h-1.5 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
        <div className={`h-full rounded-full transition-all ${look.bar} ${look.width}`} />
      </div>
      <p className="mt-1.5 text-xs text-zinc-600 dark:text-zinc-400">
        <span className="font-medium text-zinc-800 dark:text-zinc-200">{look.label}</span>
        {strength.hint && ` · ${strength.hint}`}
      </p>
    </div>
  );
}
