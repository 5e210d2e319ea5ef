"use client";
import dynamic from "next/dynamic";
import { useLayoutEffect, useRef, type RefObject } from "react";
import { focusRing } from "@/components/ui/button-styles";
import { useDismiss } from "@/components/ui/use-dismiss";
import { QUICK_REACTIONS } from "@/components/content/emoji-data";
import { Spinner } from "@/components/ui/spinner";

// The full set (its data is ~500 KB) loads only when asked for.

const FullPicker = dynamic(
  () => import("@/components/content/emoji-picker").then((m) => m.EmojiPicker),
  { ssr: false, loading: () => <Spinner /> },
);

/** A small popover: six quick reactions and "more" for the full emoji picker. */
export function ReactionPicker({
  anchor,
  full,
  onPick,
  onMore,
  onClose,
}: {
  /** The button it belongs to: the popover sits above it, or below when there is no room. */
  anchor: RefObject<HTMLElement | null>;
  full: boolean;
  onPick: (emoji: string) => void;
  onMore: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // Fixed to the viewport, so the thread's scrolling box never clips it (the full picker
  // is taller than a message near the top has room for).
  useLayoutEffect(() => {
    const el = ref.current;
    const at = anchor.current?.getBoundingClientRect();
    if (!el || !at) return;
    const place = () => {
      const { width, height } = el.getBoundingClientRect();
      const top = at.top - height - 6 >= 8 ? at.top - height - 6 : at.bottom + 6;
      const left = Math.min(
        Math.max(8, at.left + at.width / 2 - width / 2),
        innerWidth - width - 8,
      );
      el.style.top = `${Math.max(8, Math.min(top, innerHeight - height - 8))}px`;
      el.style.left = `${left}px`;
      el.style.visibility = "visible";
    };
    place();
    // The full picker's data arrives a moment later and changes its size.
    const resize = new ResizeObserver(place);
    resize.observe(el);
    return () => resize.disconnect();
  }, [anchor, full]);
  useDismiss(ref, true, onClose);
  return (
    <div
      ref={ref}
      role="dialog"
      aria-label="Pick a reaction"
      style={{ visibility: "hidden" }}
      className="fixed z-30 rounded-2xl border border-zinc-200 bg-white p-1 shadow-xl dark:border-zinc-700 dark:bg-zinc-900"
    >
      {full ? (
        <FullPicker onPick={onPick} onClose={onClose} />
      ) : (
        <div className="flex items-center gap-0.5">
          {QUICK_REACTIONS.map((e) => (
            <button
              key={e}
              type="button"
              data-testid="reaction-option"
              aria-label={`React ${e}`}
              onClick={() => onPick(e)}
              className={`rounded-full p-1.5 text-xl leading-none hover:bg-zinc-100 dark:hover:bg-zinc-800 ${focusRing}`}
            >
              {e}
            </button>
          ))}
          <button
            type="button"
            data-testid="reaction-more"
            aria-label="More emoji"
            onClick={onMore}
            className={`rounded-full px-2 py-1.5 text-sm font-medium text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800 ${focusRing}`}
          >
            More
          </button>
        </div>
      )}
    </div>
  );
}
