"use client";
import { useLiveQuery } from "dexie-react-hooks";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Client, DecodedMessage } from "@/lib/client";
import { stillArriving, withArrived } from "./arrived-messages";

const PAGE = 50;
const LIVE_MAX = 1000; // the storage layer's page limit

/**
 * The newest messages stay live (a growing window, so status changes and new
 * arrivals show at once); beyond the live window older history pages in with
 * `beforeNs` as the user scrolls up.
 */
export function useThreadMessages(client: Client, conversationId: string) {
  const [limit, setLimit] = useState(PAGE);
  const [older, setOlder] = useState<DecodedMessage[]>([]);
  const [olderDone, setOlderDone] = useState(false);

  // The messages table only: conversation-row writes (previews, unread) do not re-run it.
  // Each answer carries the limit it was read with: right after the window grows, the previous
  // answer (still shown) must not look like the end of the history.
  const answer = useLiveQuery(
    async () => ({
      rows: await client.conversations.messagesOf(conversationId, { limit }),
      limit,
    }),
    [client, conversationId, limit],
  );
  const rows = answer?.rows;

  // Messages shown before their write commits (Client.onArrival): a received one once it is
  // decrypted and accepted, our own as it is stored pending; dropped if withdrawn. Those the
  // window has read since (or of another thread) are pruned at the next arrival.
  const [arrived, setArrived] = useState<DecodedMessage[]>([]);
  const read = useRef(rows);
  useEffect(() => {
    read.current = rows;
  }, [rows]);
  useEffect(
    () =>
      client.onArrival(({ kind, message }) => {
        if (message.conversationId !== conversationId) return;
        setArrived((xs) => [
          ...stillArriving(read.current ?? [], xs).filter(
            (m) => m.id !== message.id && m.conversationId === conversationId,
          ),
          ...(kind === "shown" ? [message] : []),
        ]);
      }),
    [client, conversationId],
  );
  const live = useMemo(
    () =>
      rows &&
      withArrived(
        rows,
        arrived.filter((m) => m.conversationId === conversationId),
      ),
    [rows, arrived, conversationId],
  );

  const hasMore =
    answer !== undefined &&
    (answer.limit < LIVE_MAX ? answer.rows.length >= answer.limit : !olderDone);

  const loadOlder = useCallback(async () => {
    if (!live || !hasMore) return;
    if (limit < LIVE_MAX) {
      setLimit((l) => Math.min(LIVE_MAX, l + PAGE));
      return;
    }
    const first = older[0] ?? live[0];
    if (!first) return;
    const page = await client.conversations.messagesOf(conversationId, {
      limit: PAGE,
      beforeNs: first.sentAtNs,
    });
    if (page.length < PAGE) setOlderDone(true);
    setOlder((o) => [...page, ...o]);
  }, [client, conversationId, hasMore, limit, live, older]);

  const messages = live === undefined ? undefined : older.length ? [...older, ...live] : live;
  return { messages, hasMore, loadOlder };
}
