"use client";
import { useId } from "react";
import { focusRing } from "@/components/ui/button-styles";

// The XMTP metadata limits (PROTOCOL.md §2), counted in characters as the library does.
export const FIELD_LIMITS = { name: 100, description: 1000, imageUrl: 2048 } as const;

export const fieldClass = `mt-1.5 w-full rounded-xl border border-zinc-300 bg-white px-3.5 py-2.5 text-base sm:text-sm dark:border-zinc-700 dark:bg-zinc-950 disabled:cursor-not-allowed disabled:opacity-60 ${focusRing}`;

/** Why an image URL will not do (undefined: empty or fine). Only https images are shown. */
export function imageUrlProblem(value: string): string | undefined {
  const v = value.trim();
  if (v === "") return undefined;
  try {
    const u = new URL(v);
    return u.protocol === "https:" ? undefined : "The image URL must start with https://";
  } catch {
    return "That isn't a URL.";
  }
}

type FieldProps = {
  label: string;
  value: string;
  onChange: (v: string) => void;
  limit: number;
  testId?: string;
  multiline?: boolean;
  placeholder?: string;
  disabledReason?: string;
  problem?: string;
};

/** A labelled text field with its character budget and, when locked, the reason. */
export function GroupField(p: FieldProps) {
  const id = useId();
  const hintId = useId();
  const count = [...p.value].length;
  const over = count > p.limit;
  const common = {
    id,
    "data-testid": p.testId,
    value: p.value,
    placeholder: p.placeholder,
    disabled: p.disabledReason !== undefined,
    "aria-describedby": over || p.problem || p.disabledReason ? hintId : undefined,
    "aria-invalid": over || p.problem ? true : undefined,
    className: fieldClass,
    onChange: (e: { target: { value: string } }) => p.onChange(e.target.value),
  };
  return (
    <div>
      <div className="flex items-baseline justify-between">
        <label htmlFor={id} className="text-sm font-medium">
          {p.label}
        </label>
        <span
          className={`text-xs ${over ? "font-semibold text-red-700 dark:text-red-400" : "text-zinc-500 dark:text-zinc-400"}`}
        >
          {count}/{p.limit}
        </span>
      </div>
      {p.multiline ? <textarea rows={2} {...common} /> : <input autoComplete="off" {...common} />}
      {(over || p.problem || p.disabledReason) && (
        <p
          id={hintId}
          className={`mt-1 text-xs ${p.problem || over ? "text-red-700 dark:text-red-400" : "text-zinc-500 dark:text-zinc-400"}`}
        >
          {over ? `At most ${p.limit} characters.` : (p.problem ?? p.disabledReason)}
        </p>
      )}
    </div>
  );
}
