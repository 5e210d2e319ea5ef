"use client";
import { useId, useState } from "react";
import { nodeUrl, nodeUrlProblem } from "@/components/session/storage";
import { buttonStyles, focusRing } from "@/components/ui/button-styles";
import { SettingsSection } from "./settings-section";

/** Which node to use: blank = this site's own node. Applies on reload. */
export function NodeUrlForm() {
  const [value, setValue] = useState(() => nodeUrl.get());
  const [saved, setSaved] = useState(() => nodeUrl.get());
  const problem = nodeUrlProblem(value);
  const inputId = useId();
  const hintId = useId();
  const fallback = nodeUrl.default() || "this site";
  const dirty = value.trim() !== saved;

  return (
    <SettingsSection title="Network" description="The message node this browser talks to.">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (problem) return;
          const v = value.trim().replace(/\/+$/, "");
          nodeUrl.set(v === nodeUrl.default() ? null : v);
          setValue(v);
          setSaved(v);
        }}
      >
        <label htmlFor={inputId} className="text-sm font-medium">
          Node URL
        </label>
        <div className="mt-1.5 flex flex-col gap-2 sm:flex-row">
          <input
            id={inputId}
            type="url"
            inputMode="url"
            placeholder={`Default: ${fallback}`}
            value={value}
            aria-invalid={problem ? true : undefined}
            aria-describedby={hintId}
            onChange={(e) => setValue(e.target.value)}
            className={`min-w-0 flex-1 rounded-xl border border-zinc-300 bg-white px-3.5 py-2.5 font-mono text-base sm:text-sm dark:border-zinc-700 dark:bg-zinc-950 ${focusRing}`}
          />
          <button type="submit" className={buttonStyles.secondary} disabled={!!problem || !dirty}>
            Save
          </button>
        </div>
        <p
          id={hintId}
          aria-live="polite"
          className={`mt-2 text-sm ${problem ? "text-red-700 dark:text-red-400" : "text-zinc-500 dark:text-zinc-400"}`}
        >
          {problem ??
            (dirty
              ? "Leave blank to use the default node."
              : saved
                ? "Saved. Reload the app to connect to this node."
                : `Using the default node (${fallback}).`)}
        </p>
      </form>
    </SettingsSection>
  );
}
