"use client";
import { useEffect, useLayoutEffect, useRef } from "react";
import { focusRing } from "@/components/ui/button-styles";
import { CloseIcon, PaperclipIcon, PencilIcon, ReplyIcon, SendIcon } from "@/components/ui/icons";
import { useDraft } from "./use-draft";

const MAX_HEIGHT = 160;

/**
 * Whether the field grows with its text by CSS (field-sizing; Chromium 123+, Safari 26).
 * Elsewhere it is measured after each change: a forced layout of the whole page on every
 * keystroke, and on Enter right in the send's way.
 */
let sizesItself: boolean | undefined;
const growsByCss = () =>
  (sizesItself ??= typeof CSS !== "undefined" && CSS.supports("field-sizing", "content"));

/**
 * Enter sends, Shift+Enter adds a line; grows with the text; the draft survives reloads.
 * Files come in by the paperclip, by paste, or by drop on the thread (see Thread).
 */
export function Composer({
  conversationId,
  onSend,
  onFiles,
  replying,
  onCancelReply,
  editing,
  onCancelEdit,
  onTyping,
}: {
  conversationId: string;
  onSend: (text: string) => Promise<void>;
  /** Text is being written: a send is likely soon. */
  onTyping?: () => void;
  onFiles: (files: File[]) => void;
  /** The message being answered: who and what, shown above the field. */
  replying?: { name: string; snippet: string };
  onCancelReply: () => void;
  /** One of my messages being edited: its words are loaded into the field. */
  editing?: { id: string; text: string };
  onCancelEdit: () => void;
}) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [text, setText] = useDraft(conversationId);
  const ref = useRef<HTMLTextAreaElement>(null);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || growsByCss()) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
    el.style.overflowY = el.scrollHeight > MAX_HEIGHT ? "auto" : "hidden";
  }, [text]);

  useEffect(() => {
    if (replying) ref.current?.focus();
  }, [replying]);

  // Editing starts with the message's words in the field; the draft comes back after.
  const editingId = editing?.id;
  const editingText = editing?.text;
  const draftBeforeEdit = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (editingId === undefined || editingText === undefined) return;
    draftBeforeEdit.current ??= text;
    setText(editingText);
    ref.current?.focus();
    // Only when another message is picked for editing, not on every keystroke.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editingId]);
  const cancelEdit = () => {
    setText(draftBeforeEdit.current ?? "");
    draftBeforeEdit.current = undefined;
    onCancelEdit();
  };

  useEffect(() => {
    // Desktop: ready to type. Phones: don't pop the keyboard over the thread.
    if (window.matchMedia("(min-width: 768px)").matches) ref.current?.focus();
  }, [conversationId]);

  const send = () => {
    const body = text.trim();
    if (!body) return;
    setText(editing ? (draftBeforeEdit.current ?? "") : "");
    draftBeforeEdit.current = undefined;
    // Never lose what was typed: if it could not even be stored, it comes back.
    onSend(body).catch(() => setText(body));
    ref.current?.focus();
  };

  return (
    <div className="border-t border-zinc-200 bg-white pb-[max(0.75rem,env(safe-area-inset-bottom))] dark:border-zinc-800 dark:bg-zinc-950">
      {replying && (
        <div
          data-testid="reply-preview"
          className="mx-3 mt-2 flex items-center gap-2 rounded-xl border-l-4 border-indigo-500 bg-zinc-50 px-3 py-1.5 text-sm dark:bg-zinc-900"
        >
          <ReplyIcon className="h-4 w-4 shrink-0 text-indigo-600 dark:text-indigo-400" />
          <span className="min-w-0 flex-1">
            <span className="block text-xs font-semibold text-indigo-700 dark:text-indigo-300">
              Replying to {replying.name}
            </span>
            <span className="block truncate text-zinc-600 dark:text-zinc-400">
              {replying.snippet}
            </span>
          </span>
          <button
            type="button"
            aria-label="Cancel reply"
            onClick={onCancelReply}
            className={`rounded-full p-1.5 text-zinc-500 hover:bg-zinc-200 dark:hover:bg-zinc-800 ${focusRing}`}
          >
            <CloseIcon />
          </button>
        </div>
      )}
      {editing && (
        <div
          data-testid="edit-preview"
          className="mx-3 mt-2 flex items-center gap-2 rounded-xl border-l-4 border-amber-500 bg-zinc-50 px-3 py-1.5 text-sm dark:bg-zinc-900"
        >
          <PencilIcon className="h-4 w-4 shrink-0 text-amber-600 dark:text-amber-400" />
          <span className="min-w-0 flex-1">
            <span className="block text-xs font-semibold text-amber-700 dark:text-amber-300">
              Editing message
            </span>
            <span className="block truncate text-zinc-600 dark:text-zinc-400">{editing.text}</span>
          </span>
          <button
            type="button"
            aria-label="Cancel edit"
            data-testid="cancel-edit"
            onClick={cancelEdit}
            className={`rounded-full p-1.5 text-zinc-500 hover:bg-zinc-200 dark:hover:bg-zinc-800 ${focusRing}`}
          >
            <CloseIcon />
          </button>
        </div>
      )}
      <form
        className="flex items-end gap-2 px-3 pt-3"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          data-testid="attach-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = "";
            if (files.length) onFiles(files);
          }}
        />
        <button
          type="button"
          data-testid="attach"
          aria-label="Attach files"
          title="Attach files"
          onClick={() => fileInput.current?.click()}
          className={`inline-flex h-11 w-11 shrink-0 items-center justify-center rounded-full text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800 ${focusRing}`}
        >
          <PaperclipIcon />
        </button>
        <label htmlFor="composer" className="sr-only">
          Message
        </label>
        <textarea
          id="composer"
          ref={ref}
          data-testid="composer"
          rows={1}
          placeholder={editing ? "Edit message" : replying ? "Reply" : "Message"}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value) onTyping?.();
          }}
          onPaste={(e) => {
            const files = [...e.clipboardData.files];
            if (files.length === 0) return;
            e.preventDefault();
            onFiles(files);
          }}
          onKeyDown={(e) => {
            if (e.key === "Escape" && replying) onCancelReply();
            if (e.key === "Escape" && editing) cancelEdit();
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            }
          }}
          className="max-h-40 min-h-11 flex-1 resize-none [field-sizing:content] rounded-3xl border border-zinc-300 bg-zinc-50 px-4 py-2.5 text-base leading-6 outline-none placeholder:text-zinc-500 focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/20 sm:text-[0.95rem] dark:border-zinc-700 dark:bg-zinc-900 dark:placeholder:text-zinc-400 dark:focus:border-indigo-400"
        />
        {/* Into the disabled state without a colour transition: it would run as a message is sent. */}
        <button
          type="submit"
          data-testid="send"
          aria-label="Send"
          title="Send (Enter)"
          disabled={!text.trim()}
          className={`inline-flex h-11 w-11 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-white transition-colors hover:bg-indigo-700 disabled:transition-none disabled:bg-zinc-300 disabled:text-zinc-500 dark:bg-indigo-500 dark:hover:bg-indigo-400 dark:disabled:bg-zinc-800 dark:disabled:text-zinc-500 ${focusRing}`}
        >
          <SendIcon />
        </button>
      </form>
    </div>
  );
}
