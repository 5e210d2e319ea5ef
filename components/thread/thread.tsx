"use client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Conversation, DecodedMessage } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { useConversation } from "@/components/client/use-summaries";
import { isClientError } from "@/components/client/errors";
import { ConsentBar } from "@/components/conversations/consent-bar";
import { openConversation } from "@/components/conversations/navigation";
import { GroupHeader } from "@/components/group/group-header";
import { MuteButton } from "@/components/notifications/mute-button";
import { TimerButton } from "@/components/disappearing/timer-button";
import { ConversationMenu } from "@/components/conversations/conversation-menu";
import { useInboxLabels } from "@/components/group/inbox-labels";
import { useGroupState } from "@/components/group/use-group-state";
import { Composer } from "./composer";
import { CT } from "./content-types";
import { DeleteMessageDialog } from "./delete-message-dialog";
import { MessageList } from "./message-list";
import { RemoteImagesAutoLoad } from "./remote-images";
import { isGroupUpdate } from "./group-update-line";
import { snippetOf } from "./message-content";
import { OfflineNotice } from "./offline-notice";
import { OutOfSyncNotice } from "./out-of-sync-notice";
import { ContestedNotice } from "./contested-notice";
import { NotJoinedNotice } from "./not-joined-notice";
import { ThreadActionsContext, type ThreadActions } from "./thread-actions";
import { buildThread, lastSeenId, owesReceipt } from "./thread-model";
import { UploadTray } from "./upload-tray";
import { useReadReceipts } from "./use-read-receipts";
import { useUploads } from "./use-uploads";
import { ThreadHeader } from "./thread-header";
import { useMarkRead } from "./use-mark-read";
import { useThreadMessages } from "./use-thread-messages";
import { useFocusMessage } from "./use-focus-message";

/** One conversation: header, live history, composer. */
export function Thread({
  conversationId,
  focusMessageId,
}: {
  conversationId: string;
  /** A message to scroll to and highlight (a search result), paged in if older. */
  focusMessageId?: string | undefined;
}) {
  const { client, setOpenConversation, revoked } = useClient();
  // From the shared conversation list (no query of its own after every message); its
  // Conversation is kept for actions: a send need not read the row, its consent and its
  // preferences again first (four IndexedDB transactions before the send).
  const current = useConversation(client, conversationId);
  const summary = current === null ? null : current?.summary;
  const latest = useRef<Conversation | undefined>(undefined);
  useEffect(() => {
    latest.current = current?.conversation;
  }, [current]);
  const conversation = useCallback(
    async () =>
      latest.current?.id === conversationId
        ? latest.current
        : client.conversations.getById(conversationId),
    [client, conversationId],
  );
  const { messages, hasMore, loadOlder } = useThreadMessages(client, conversationId);
  // A request is read without telling anyone: no unread reset, no receipts, until accepted.
  const accepted = summary?.consent === "allowed";
  useMarkRead(client, conversationId, accepted, summary?.unreadCount);
  const isGroup = summary?.kind === "group";
  // No MLS state here yet (restored from a backup): readable, nothing can be sent.
  const { joined, details } = useGroupState(
    client,
    conversationId,
    summary === undefined ? undefined : isGroup,
  );
  const inboxIds = useMemo(() => inboxesNamedIn(messages ?? []), [messages]);
  const name = useInboxLabels(client, inboxIds);
  const model = useMemo(
    () => (messages ? buildThread(messages, client.inboxId) : undefined),
    [messages, client.inboxId],
  );
  const [replyingTo, setReplyingTo] = useState<DecodedMessage>();
  const [editing, setEditing] = useState<{ id: string; text: string }>();
  const [deleting, setDeleting] = useState<DecodedMessage>();
  const superAdmin = isGroup && details?.myRole === "super_admin";
  const [dragging, setDragging] = useState(false);
  const {
    uploads,
    start: sendFiles,
    cancel: cancelUpload,
    retry: retryUpload,
  } = useUploads(client, conversationId);
  useReadReceipts(
    client,
    conversationId,
    summary?.kind === "dm" && accepted,
    model ? owesReceipt(model, client.inboxId) : false,
  );

  const actions = useMemo<ThreadActions>(
    () => ({
      name,
      replyTo: (m) => {
        setEditing(undefined);
        setReplyingTo(m);
      },
      canEdit: (m) =>
        m.senderInboxId === client.inboxId &&
        !m.deleted &&
        (m.contentType === CT.text || m.contentType === CT.markdown),
      // Only what a person wrote; the library and every receiver check the rule again.
      canDelete: (m) =>
        !m.deleted &&
        m.contentType !== CT.groupUpdated &&
        (m.senderInboxId === client.inboxId || superAdmin),
      startEdit: (m, text) => {
        setReplyingTo(undefined);
        setEditing({ id: m.id, text });
      },
      askDelete: setDeleting,
      react: (messageId, emoji, action) => {
        void conversation()
          .then((c) => c?.react(messageId, emoji, action))
          .catch(() => undefined); // stored as failed: the outbox retries it
      },
      jumpTo: (messageId, smooth = true) => {
        const el = document.querySelector<HTMLElement>(
          `[data-testid="message"][data-message-id="${messageId}"]`,
        );
        if (!el) return;
        el.scrollIntoView({ behavior: smooth ? "smooth" : "auto", block: "center" });
        el.dataset.focused = "true";
        setTimeout(() => delete el.dataset.focused, 2000);
        el.animate(
          [{ backgroundColor: "rgb(99 102 241 / 0.18)" }, { backgroundColor: "transparent" }],
          { duration: 1600 },
        );
      },
    }),
    [client, conversation, name, superAdmin],
  );

  useFocusMessage(conversationId, focusMessageId, messages, hasMore, loadOlder, actions.jumpTo);

  const confirmDelete = useCallback(async () => {
    const c = await conversation();
    if (!c || !deleting) return;
    if (editing?.id === deleting.id) setEditing(undefined);
    await c.deleteMessage(deleting.id).catch((err: unknown) => {
      // Erased here and stored: the outbox sends the delete when the node is back.
      if (!isClientError(err, "send_failed")) throw err;
    });
  }, [conversation, deleting, editing]);

  useEffect(() => {
    setOpenConversation(conversationId);
    return () => setOpenConversation(undefined);
  }, [conversationId, setOpenConversation]);

  const canSend = !revoked && details?.active !== false && joined !== false;

  // Rejects only when the text was not stored (a stored one shows as failed with Retry).
  const send = useCallback(
    async (text: string) => {
      const c = await conversation();
      if (!c) throw new Error("conversation not found");
      const target = replyingTo;
      const edit = editing;
      setReplyingTo(undefined);
      setEditing(undefined);
      const sent = edit
        ? c.editMessage(edit.id, text)
        : target
          ? c.reply(target.id, text)
          : c.sendText(text); // markdown when the text uses it
      await sent.catch((err: unknown) => {
        if (!isClientError(err, "send_failed")) {
          setReplyingTo(target);
          setEditing(edit);
          throw err;
        }
      });
    },
    [conversation, replyingTo, editing],
  );

  const prepareToSend = useCallback(
    () => client.conversations.prepareToSend(conversationId),
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

  const headerActions = (
    <>
      <TimerButton conversationId={conversationId} inNs={summary?.disappearInNs} />
      <MuteButton conversationId={conversationId} />
      {summary && <ConversationMenu c={summary} />}
    </>
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
    <ThreadActionsContext.Provider value={actions}>
      <div
        className={`relative flex min-h-0 flex-1 flex-col ${dragging ? "ring-4 ring-indigo-500/40 ring-inset" : ""}`}
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes("Files") || !canSend) return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={(e) => {
          if (e.currentTarget === e.target) setDragging(false);
        }}
        onDrop={(e) => {
          const files = [...e.dataTransfer.files];
          setDragging(false);
          if (files.length === 0 || !canSend) return;
          e.preventDefault();
          sendFiles(files);
        }}
      >
        {isGroup ? (
          <GroupHeader
            conversationId={conversationId}
            name={summary?.name}
            details={details ?? undefined}
            actions={headerActions}
          />
        ) : (
          <ThreadHeader
            peerAddress={summary?.peerAddress}
            name={summary?.name}
            remoteAvatar={summary?.consent === "allowed"}
            actions={headerActions}
          />
        )}
        {model === undefined ? (
          <div className="flex-1" />
        ) : model.visible.length === 0 ? (
          <div className="flex flex-1 items-center justify-center p-8 text-center text-sm text-zinc-500 dark:text-zinc-400">
            {isGroup
              ? "No messages yet. Only the members of this group can read what's said here."
              : "No messages yet. Say hello — only the two of you can read this conversation."}
          </div>
        ) : (
          <RemoteImagesAutoLoad value={accepted}>
            <MessageList
              model={model}
              seenId={summary?.kind === "dm" ? lastSeenId(model, client.inboxId) : undefined}
              myInboxId={client.inboxId}
              hasMore={hasMore}
              onLoadOlder={loadOlder}
              onRetry={retry}
              isGroup={isGroup}
              name={name}
            />
          </RemoteImagesAutoLoad>
        )}
        <OfflineNotice />
        <OutOfSyncNotice syncState={summary?.syncState} />
        <ContestedNotice contested={summary?.contested} />
        {revoked ? (
          <p
            data-testid="composer-revoked"
            role="status"
            className="border-t border-zinc-200 px-4 py-4 text-center text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400"
          >
            This device was removed from your inbox. You can read what&apos;s here, but not send.
          </p>
        ) : summary && !accepted ? (
          <ConsentBar summary={summary} />
        ) : joined === false ? (
          <NotJoinedNotice />
        ) : isGroup && details?.active === false ? (
          <p
            data-testid="group-inactive"
            role="status"
            className="border-t border-zinc-200 px-4 py-4 text-center text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400"
          >
            You&apos;re no longer a member of this group, so you can&apos;t send or receive new
            messages here.
          </p>
        ) : (
          <>
            <UploadTray uploads={uploads} onCancel={cancelUpload} onRetry={retryUpload} />
            <Composer
              conversationId={conversationId}
              onSend={send}
              onTyping={prepareToSend}
              onFiles={sendFiles}
              {...(replyingTo
                ? {
                    replying: {
                      name: name(replyingTo.senderInboxId),
                      snippet: snippetOf(replyingTo),
                    },
                  }
                : {})}
              onCancelReply={() => setReplyingTo(undefined)}
              {...(editing ? { editing } : {})}
              onCancelEdit={() => setEditing(undefined)}
            />
          </>
        )}
        <DeleteMessageDialog
          open={deleting !== undefined}
          othersMessage={deleting !== undefined && deleting.senderInboxId !== client.inboxId}
          onConfirm={confirmDelete}
          onClose={() => setDeleting(undefined)}
        />
      </div>
    </ThreadActionsContext.Provider>
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
