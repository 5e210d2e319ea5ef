"use client";
import { useEffect, useLayoutEffect, useRef } from "react";
import { focusRing } from "@/components/ui/button-styles";
import { SendIcon } from "@/components/ui/icons";
import { useDraft } from "./use-draft";

const MAX_HEIGHT = 160;

/** Enter sends, Shift+Enter adds a line; grows with the text; the draft survives reloads. */
export function Composer({
  conversationId,
  onSend,
}: {
  conversationId: string;
  onSend: (text: string) => Promise<void>;
}) {
  const [text, setText] = useDraft(conversationId);
  const ref = useRef<HTMLTextAreaElement>(null);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
    el.style.overflowY = el.scrollHeight > MAX_HEIGHT ? "auto" : "hidden";
  }, [text]);

  useEffect(() => {
    // Desktop: ready to type. Phones: don't pop the keyboard over the thread.
    if (window.matchMedia("(min-width: 768px)").matches) ref.current?.focus();
  }, [conversationId]);

  const send = () => {
    const body = text.trim();
    if (!body) return;
    setText("");
    // Never lose what was typed: if it could not even be stored, it comes back.
    onSend(body).catch(() => setText(body));
    ref.current?.focus();
  };

  return (
    <form
      className="flex items-end gap-2 border-t border-zinc-200 bg-white px-3 py-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] dark:border-zinc-800 dark:bg-zinc-950"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label htmlFor="composer" className="sr-only">
        Message
      </label>
      <textarea
        id="composer"
        ref={ref}
        data-testid="composer"
        rows={1}
        placeholder="Message"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            send();
          }
        }}
        className="max-h-40 min-h-11 flex-1 resize-none rounded-3xl border border-zinc-300 bg-zinc-50 px-4 py-2.5 text-base leading-6 outline-none placeholder:text-zinc-500 focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/20 sm:text-[0.95rem] dark:border-zinc-700 dark:bg-zinc-900 dark:placeholder:text-zinc-400 dark:focus:border-indigo-400"
      />
      <button
        type="submit"
        data-testid="send"
        aria-label="Send"
        title="Send (Enter)"
        disabled={!text.trim()}
        className={`inline-flex h-11 w-11 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-white transition-colors hover:bg-indigo-700 disabled:bg-zinc-300 disabled:text-zinc-500 dark:bg-indigo-500 dark:hover:bg-indigo-400 dark:disabled:bg-zinc-800 dark:disabled:text-zinc-500 ${focusRing}`}
      >
        <SendIcon />
      </button>
    </form>
  );
}
