"use client";
import { Fragment, useCallback, useLayoutEffect, useRef, useState } from "react";
import type { DecodedMessage } from "@/lib/client";
import { ArrowDownIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import type { InboxLabel } from "@/components/group/inbox-labels";
import { DaySeparator } from "./day-separator";
import { daySeparators } from "./day-separators";
import { GroupUpdateLine, isGroupUpdate } from "./group-update-line";
import { InviteLine, isInviteMessage } from "./invite-line";
import type { ThreadModel } from "./thread-model";
import { MessageBubble } from "./message-bubble";

const NEAR_BOTTOM = 96;
const NEAR_TOP = 160;
const RUN_GAP_NS = 5n * 60n * 1_000_000_000n;
const GROUP_UPDATED = "xmtp.org/group_updated:1.0";

type Props = {
  /** Reactions, receipts and leave requests already folded in (thread-model.ts). */
  model: ThreadModel;
  /** My message that carries "Seen". */
  seenId?: string;
  myInboxId: string;
  hasMore: boolean;
  onLoadOlder: () => Promise<void>;
  onRetry: (id: string) => void;
  /** In a group, names senders above their runs of bubbles. */
  isGroup?: boolean;
  name: InboxLabel;
};

/**
 * The scrolling history. Follows new messages while the reader is at the bottom;
 * if they scrolled up, a "New messages" pill appears instead of yanking them
 * down. Near the top, older history loads and the view stays where it was.
 */
export function MessageList({
  model,
  seenId,
  myInboxId,
  hasMore,
  onLoadOlder,
  onRetry,
  isGroup = false,
  name,
}: Props) {
  const messages: DecodedMessage[] = model.visible;
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const loading = useRef(false);
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const lastId = useRef<string | undefined>(undefined);
  const [pill, setPill] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);

  const toBottom = useCallback((smooth: boolean) => {
    const el = scroller.current;
    if (el) el.scrollTo({ top: el.scrollHeight, behavior: smooth ? "smooth" : "auto" });
    setPill(false);
  }, []);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (anchor.current) {
      // Older history was prepended: keep the same message under the reader's eyes.
      el.scrollTop = anchor.current.top + (el.scrollHeight - anchor.current.height);
      anchor.current = null;
    }
    const last = messages.at(-1);
    if (last?.id === lastId.current) return;
    const first = lastId.current === undefined;
    lastId.current = last?.id;
    if (first || atBottom.current || last?.senderInboxId === myInboxId) toBottom(!first);
    else setPill(true);
  }, [messages, myInboxId, toBottom]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM;
    if (atBottom.current) setPill(false);
    if (el.scrollTop < NEAR_TOP && hasMore && !loading.current) {
      loading.current = true;
      setLoadingOlder(true);
      anchor.current = { height: el.scrollHeight, top: el.scrollTop };
      void onLoadOlder().finally(() => {
        loading.current = false;
        setLoadingOlder(false);
      });
    }
  };

  const days = daySeparators(messages, new Date());
  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={scroller}
        onScroll={onScroll}
        tabIndex={0}
        role="region"
        aria-label="Messages"
        className="flex h-full flex-col overflow-y-auto overscroll-contain px-3 pb-3 outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-500 sm:px-6"
      >
        {/* A short conversation sits at the bottom, next to the composer. */}
        <div className="mt-auto">
          {loadingOlder && (
            <p role="status" className="flex justify-center py-3 text-zinc-400">
              <Spinner />
              <span className="sr-only">Loading older messages</span>
            </p>
          )}
          {!hasMore && messages.length > 0 && (
            <p className="py-4 text-center text-xs text-zinc-500 dark:text-zinc-400">
              This is the beginning of your conversation.
            </p>
          )}
          <ol aria-live="polite" aria-relevant="additions" className="mx-auto max-w-3xl">
            {messages.map((m, i) => {
              const prev = messages[i - 1];
              const day = days[i];
              const newDay = day !== undefined;
              const firstOfRun =
                newDay ||
                prev?.senderInboxId !== m.senderInboxId ||
                prev.contentType === GROUP_UPDATED ||
                m.sentAtNs - prev.sentAtNs > RUN_GAP_NS;
              const mine = m.senderInboxId === myInboxId;
              return (
                <Fragment key={m.id}>
                  {newDay && <DaySeparator label={day} />}
                  {m.contentType === GROUP_UPDATED && isGroupUpdate(m.content) ? (
                    <GroupUpdateLine update={m.content} name={name} />
                  ) : isInviteMessage(m) ? (
                    <InviteLine m={m} name={name} />
                  ) : (
                    <MessageBubble
                      m={m}
                      mine={mine}
                      first={firstOfRun}
                      onRetry={onRetry}
                      reactions={model.reactions.get(m.id)}
                      edits={model.edits.get(m.id)}
                      replyTarget={replyTargetOf(model, m)}
                      seen={m.id === seenId}
                      {...(isGroup && !mine && firstOfRun
                        ? { senderLabel: name(m.senderInboxId) }
                        : {})}
                    />
                  )}
                </Fragment>
              );
            })}
          </ol>
        </div>
      </div>
      {pill && (
        <button
          type="button"
          onClick={() => toBottom(true)}
          className="absolute bottom-3 left-1/2 inline-flex -translate-x-1/2 items-center gap-1.5 rounded-full bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-lg hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:bg-indigo-500"
        >
          <ArrowDownIcon /> New messages
        </button>
      )}
    </div>
  );
}

function replyTargetOf(model: ThreadModel, m: DecodedMessage): DecodedMessage | undefined {
  if (m.contentType !== "xmtp.org/reply:1.0") return undefined;
  const ref = (m.content as { reference?: unknown } | undefined)?.reference;
  const target = typeof ref === "string" ? model.byId.get(ref) : undefined;
  // The quote shows what the message says now.
  const latest = target && model.edits.get(target.id)?.at(-1);
  return latest ? { ...target, contentType: latest.contentType, content: latest.content } : target;
}
