"use client";
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { focusRing } from "@/components/ui/button-styles";
import { Spinner } from "@/components/ui/spinner";
import { loadEmojiGroups, searchEmoji, type EmojiGroup } from "./emoji-data";

export { QUICK_REACTIONS } from "./emoji-data";

const COLUMNS = 8;

/**
 * The full emoji set: search, categories, and a grid of native emoji. Frameless (the
 * parent popover gives it its border and position). Its data is a chunk of this app,
 * loaded on first open; nothing is fetched from elsewhere.
 * Keys: Escape closes; ↓ from the search box enters the grid; arrows move in the grid;
 * ←/→ switch categories on the tabs; Enter in the search box picks the first result.
 */
export function EmojiPicker({ onPick, onClose }: { onPick(emoji: string): void; onClose(): void }) {
  const [groups, setGroups] = useState<EmojiGroup[]>();
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [query, setQuery] = useState("");
  const [activeId, setActiveId] = useState(0);
  // Roving tabindex: one emoji is in the tab order; it resets when the list changes.
  const [cursor, setCursor] = useState({ list: "", index: 0 });
  const searchRef = useRef<HTMLInputElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const tabsRef = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => {
    searchRef.current?.focus({ preventScroll: true });
  }, []);

  useEffect(() => {
    let live = true;
    loadEmojiGroups().then(
      (g) => live && setGroups(g),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  const searching = query.trim() !== "";
  const active = groups?.find((g) => g.id === activeId) ?? groups?.[0];
  const shown = useMemo(
    () => (!groups ? [] : searching ? searchEmoji(groups, query) : (active?.emoji ?? [])),
    [groups, searching, query, active],
  );
  const list = searching ? `q:${query}` : `g:${active?.id}`;
  const current = cursor.list === list ? Math.min(cursor.index, shown.length - 1) : 0;

  function focusEmoji(index: number) {
    if (shown.length === 0) return;
    const i = Math.max(0, Math.min(index, shown.length - 1));
    setCursor({ list, index: i });
    gridRef.current?.querySelectorAll<HTMLButtonElement>("button")[i]?.focus();
  }

  function selectGroup(groupId: number) {
    setActiveId(groupId);
    setQuery("");
    scrollRef.current?.scrollTo({ top: 0 });
  }

  function onPanelKey(e: KeyboardEvent) {
    if (e.key !== "Escape") return;
    e.preventDefault();
    e.stopPropagation(); // one close, not one here and one in an outer listener
    onClose();
  }

  function onSearchKey(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      focusEmoji(current);
    } else if (e.key === "Enter" && searching && shown[0]) {
      e.preventDefault();
      onPick(shown[0].emoji);
    }
  }

  function onGridKey(e: KeyboardEvent<HTMLDivElement>) {
    const index = Number((e.target as HTMLElement).dataset.index);
    if (Number.isNaN(index)) return;
    const moves: Record<string, number | undefined> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      ArrowDown: index + COLUMNS,
      ArrowUp: index - COLUMNS,
      Home: 0,
      End: shown.length - 1,
    };
    const next = moves[e.key];
    if (next === undefined) return;
    e.preventDefault();
    if (next < 0) searchRef.current?.focus();
    else if (next < shown.length) focusEmoji(next);
  }

  function onTabKey(e: KeyboardEvent<HTMLDivElement>) {
    if (!groups || (e.key !== "ArrowRight" && e.key !== "ArrowLeft")) return;
    e.preventDefault();
    const at = groups.findIndex((g) => g.id === active?.id);
    const step = e.key === "ArrowRight" ? 1 : -1;
    const next = groups[(at + step + groups.length) % groups.length];
    if (!next) return;
    selectGroup(next.id);
    tabsRef.current?.querySelector<HTMLButtonElement>(`[data-group="${next.id}"]`)?.focus();
  }

  const panelId = `${id}-emoji`;
  const tabId = (groupId: number) => `${id}-tab-${groupId}`;

  return (
    <div
      onKeyDown={onPanelKey}
      data-testid="emoji-picker"
      className="flex w-[min(19rem,calc(100vw-2rem))] flex-col text-zinc-900 dark:text-zinc-100"
    >
      <div className="p-1.5">
        <input
          ref={searchRef}
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onSearchKey}
          placeholder="Search emoji"
          aria-label="Search emoji"
          aria-controls={panelId}
          autoComplete="off"
          spellCheck={false}
          className={`w-full rounded-xl border border-zinc-300 bg-white px-3 py-2 text-base sm:text-sm dark:border-zinc-700 dark:bg-zinc-950 ${focusRing}`}
        />
      </div>
      {groups && (
        <div
          ref={tabsRef}
          role="tablist"
          aria-label="Emoji categories"
          onKeyDown={onTabKey}
          className="flex border-b border-zinc-200 px-1 dark:border-zinc-800"
        >
          {groups.map((g) => {
            const selected = !searching && g.id === active?.id;
            return (
              <button
                key={g.id}
                id={tabId(g.id)}
                type="button"
                role="tab"
                data-group={g.id}
                aria-selected={selected}
                aria-controls={panelId}
                aria-label={g.name}
                title={g.name}
                tabIndex={g.id === active?.id ? 0 : -1}
                onClick={() => selectGroup(g.id)}
                className={`-mb-px flex-1 border-b-2 py-1.5 text-lg leading-none transition-opacity ${
                  selected
                    ? "border-indigo-600 dark:border-indigo-400"
                    : "border-transparent opacity-60 hover:opacity-100"
                } ${focusRing}`}
              >
                {g.icon}
              </button>
            );
          })}
        </div>
      )}
      <div
        ref={scrollRef}
        id={panelId}
        role={searching || !active ? "region" : "tabpanel"}
        aria-label={searching ? "Search results" : active ? undefined : "Emoji"}
        aria-labelledby={!searching && active ? tabId(active.id) : undefined}
        className="h-64 overflow-y-auto overscroll-contain px-1 pb-1"
      >
        {!groups ? (
          <div role="status" className="flex h-full items-center justify-center gap-2 text-sm">
            {failed ? (
              <>
                <span>Emoji couldn’t load.</span>
                <button
                  type="button"
                  onClick={() => {
                    setFailed(false);
                    setAttempt((n) => n + 1);
                  }}
                  className={`rounded font-semibold text-indigo-700 underline underline-offset-2 dark:text-indigo-300 ${focusRing}`}
                >
                  Try again
                </button>
              </>
            ) : (
              <>
                <Spinner className="h-5 w-5 text-zinc-400" />
                <span className="sr-only">Loading emoji…</span>
              </>
            )}
          </div>
        ) : (
          <>
            <p className="sticky top-0 z-10 bg-white/95 px-1 pt-2 pb-1 text-xs font-medium text-zinc-500 dark:bg-zinc-900/95 dark:text-zinc-400">
              {searching ? "Search results" : active?.name}
            </p>
            {shown.length === 0 ? (
              <p className="px-1 py-6 text-center text-sm text-zinc-500 dark:text-zinc-400">
                No emoji match “{query.trim()}”.
              </p>
            ) : (
              <div
                ref={gridRef}
                onKeyDown={onGridKey}
                className="grid gap-0.5"
                style={{ gridTemplateColumns: `repeat(${COLUMNS}, minmax(0, 1fr))` }}
              >
                {shown.map((e, i) => (
                  <button
                    key={e.emoji}
                    type="button"
                    data-index={i}
                    aria-label={e.label}
                    title={e.label}
                    tabIndex={i === current ? 0 : -1}
                    onClick={() => onPick(e.emoji)}
                    onFocus={() => setCursor({ list, index: i })}
                    className={`flex aspect-square items-center justify-center rounded-lg text-2xl leading-none hover:bg-zinc-100 dark:hover:bg-zinc-800 ${focusRing}`}
                  >
                    {e.emoji}
                  </button>
                ))}
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}
