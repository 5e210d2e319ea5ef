"use client";
import { useId, useState } from "react";
import { parseNetworks, type Network } from "@/lib/client/networks";
import { nodeUrl, nodeUrlProblem } from "@/components/session/storage";
import { buttonStyles, focusRing } from "@/components/ui/button-styles";
import { SettingsSection } from "./settings-section";

/** The operator's named networks (NEXT_PUBLIC_NETWORKS, inlined at build), or why not. */
function namedNetworks(): { networks: Network[]; problem?: string } {
  try {
    return { networks: parseNetworks(process.env.NEXT_PUBLIC_NETWORKS) };
  } catch (err) {
    return { networks: [], problem: (err as Error).message };
  }
}

/** Which node to use: blank = this site's own node; or one of the named networks. Applies on reload. */
export function NodeUrlForm() {
  const [{ networks, problem: networksProblem }] = useState(namedNetworks);
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
        {networks.length > 0 && (
          <fieldset className="mb-4">
            <legend className="text-sm font-medium">Network</legend>
            <div className="mt-1.5 flex flex-wrap gap-2" data-testid="network-choices">
              {[{ name: "This site", url: "" }, ...networks].map((n) => {
                const chosen = value.trim().replace(/\/+$/, "") === n.url;
                return (
                  <button
                    key={n.name}
                    type="button"
                    aria-pressed={chosen}
                    title={n.url || "The node of the site you opened"}
                    onClick={() => setValue(n.url)}
                    className={`rounded-full border px-3.5 py-1.5 text-sm ${focusRing} ${
                      chosen
                        ? "border-indigo-600 bg-indigo-600 text-white"
                        : "border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
                    }`}
                  >
                    {n.name}
                  </button>
                );
              })}
            </div>
          </fieldset>
        )}
        {networksProblem && (
          <p role="alert" className="mb-3 text-sm text-red-700 dark:text-red-400">
            This app&apos;s network list is misconfigured: {networksProblem}
          </p>
        )}
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
