"use client";
import { useLiveQuery } from "dexie-react-hooks";
import { useCallback, useEffect } from "react";
import { useClient } from "@/components/client/client-context";
import { isClientError } from "@/components/client/errors";
import { openConversation } from "@/components/conversations/navigation";
import { Composer } from "./composer";
import { MessageList } from "./message-list";
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
      <ThreadHeader peerAddress={summary?.peerAddress} name={summary?.name} />
      {messages === undefined ? (
        <div className="flex-1" />
      ) : messages.length === 0 ? (
        <div className="flex flex-1 items-center justify-center p-8 text-center text-sm text-zinc-500 dark:text-zinc-400">
          No messages yet. Say hello — only the two of you can read this conversation.
        </div>
      ) : (
        <MessageList
          messages={messages}
          myInboxId={client.inboxId}
          hasMore={hasMore}
          onLoadOlder={loadOlder}
          onRetry={retry}
        />
      )}
      <OfflineNotice />
      <Composer conversationId={conversationId} onSend={send} />
    </div>
  );
}
