"use client";
import { useLiveQuery } from "dexie-react-hooks";
import { useCallback, useEffect, useMemo } from "react";
import type { DecodedMessage } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { isClientError } from "@/components/client/errors";
import { openConversation } from "@/components/conversations/navigation";
import { GroupHeader } from "@/components/group/group-header";
import { useInboxLabels } from "@/components/group/inbox-labels";
import { useGroupDetails } from "@/components/group/use-group-details";
import { Composer } from "./composer";
import { MessageList } from "./message-list";
import { isGroupUpdate } from "./group-update-line";
import { OfflineNotice } from "./offline-notice";
import { ThreadHeader } from "./thread-header";
import { useMarkRead } from "./use-mark-read";
import { useThreadMessages } from "./use-thread-messages";

/** One conversation: header, live history, composer. */
export function Thread({ conversationId }: { conversationId: string }) {
  const { client, setOpenConversation } = useClient();
  const summary = useLiveQuery(
    async () => (await client.conversations.getById(conversationId))?.summary() ?? null,
    [client, conversationId],
  );
  const { messages, hasMore, loadOlder } = useThreadMessages(client, conversationId);
  useMarkRead(client, conversationId, summary?.unreadCount);
  const isGroup = summary?.kind === "group";
  const details = useGroupDetails(client, conversationId);
  const inboxIds = useMemo(() => inboxesNamedIn(messages ?? []), [messages]);
  const name = useInboxLabels(client, inboxIds);

  useEffect(() => {
    setOpenConversation(conversationId);
    return () => setOpenConversation(undefined);
  }, [conversationId, setOpenConversation]);

  // Rejects only when the text was not stored (a stored one shows as failed with Retry).
  const send = useCallback(
    async (text: string) => {
      const c = await client.conversations.getById(conversationId);
      if (!c) throw new Error("conversation not found");
      await c.send(text).catch((err: unknown) => {
        if (!isClientError(err, "send_failed")) throw err;
      });
    },
    [client, conversationId],
  );

  const retry = useCallback(
    (id: string) => {
      void client.conversations
        .getById(conversationId)
        .then((c) => c?.retry(id))
        .catch(() => undefined); // still failed: the bubble keeps its Retry
    },
    [client, conversationId],
  );

  if (summary === null) {
    return (
      <div className="flex flex-1 flex-col items-center justify-center gap-3 p-8 text-center">
        <h2 className="font-medium">Conversation not found</h2>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          It may still be arriving, or it was deleted from this browser.
        </p>
        <button
          type="button"
          className="text-sm font-medium text-indigo-600 dark:text-indigo-400"
          onClick={() => openConversation()}
        >
          Back to conversations
        </button>
      </div>
    );
  }
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      {isGroup ? (
        <GroupHeader
          conversationId={conversationId}
          name={summary?.name}
          details={details ?? undefined}
        />
      ) : (
        <ThreadHeader peerAddress={summary?.peerAddress} name={summary?.name} />
      )}
      {messages === undefined ? (
        <div className="flex-1" />
      ) : messages.length === 0 ? (
        <div className="flex flex-1 items-center justify-center p-8 text-center text-sm text-zinc-500 dark:text-zinc-400">
          {isGroup
            ? "No messages yet. Only the members of this group can read what's said here."
            : "No messages yet. Say hello — only the two of you can read this conversation."}
        </div>
      ) : (
        <MessageList
          messages={messages}
          myInboxId={client.inboxId}
          hasMore={hasMore}
          onLoadOlder={loadOlder}
          onRetry={retry}
          isGroup={isGroup}
          name={name}
        />
      )}
      <OfflineNotice />
      {isGroup && details?.active === false ? (
        <p
          data-testid="group-inactive"
          role="status"
          className="border-t border-zinc-200 px-4 py-4 text-center text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400"
        >
          You&apos;re no longer a member of this group, so you can&apos;t send or receive new
          messages here.
        </p>
      ) : (
        <Composer conversationId={conversationId} onSend={send} />
      )}
    </div>
  );
}

/** Everyone a thread names: senders, and the inboxes its group updates mention. */
function inboxesNamedIn(messages: DecodedMessage[]): string[] {
  const ids = new Set<string>();
  for (const m of messages) {
    ids.add(m.senderInboxId);
    if (!isGroupUpdate(m.content)) continue;
    const u = m.content;
    for (const list of [
      u.addedInboxes,
      u.removedInboxes,
      u.leftInboxes,
      u.addedAdminInboxes,
      u.removedAdminInboxes,
      u.addedSuperAdminInboxes,
      u.removedSuperAdminInboxes,
    ])
      for (const id of list ?? []) ids.add(id);
  }
  return [...ids].sort();
}
