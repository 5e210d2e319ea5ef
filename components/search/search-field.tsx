"use client";
import { CloseIcon, SearchIcon } from "@/components/ui/icons";

/** The search box above the conversation list; Escape (or ×) clears it. */
export function SearchField({
  value,
  onChange,
}: {
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="relative px-4 pb-2">
      <SearchIcon className="pointer-events-none absolute top-1/2 left-7 h-4 w-4 -translate-y-[calc(50%+0.25rem)] text-zinc-400" />
      <input
        type="search"
        data-testid="search-input"
        aria-label="Search messages"
        placeholder="Search messages"
        value={value}
        maxLength={200}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            onChange("");
          }
        }}
        className="w-full rounded-full border border-zinc-200 bg-zinc-50 py-2 pr-9 pl-9 text-sm outline-none placeholder:text-zinc-400 focus:border-indigo-400 focus:bg-white focus:ring-2 focus:ring-indigo-500/30 dark:border-zinc-700 dark:bg-zinc-900 dark:focus:bg-zinc-950 [&::-webkit-search-cancel-button]:hidden"
      />
      {value && (
        <button
          type="button"
          aria-label="Clear search"
          data-testid="search-clear"
          onClick={() => onChange("")}
          className="absolute top-1/2 right-6 inline-flex h-6 w-6 -translate-y-[calc(50%+0.25rem)] items-center justify-center rounded-full text-zinc-500 hover:bg-zinc-200 dark:hover:bg-zinc-800"
        >
          <CloseIcon />
        </button>
      )}
    </div>
  );
}
