"use client";
import { liveQuery, type Subscription } from "dexie";
import { useLiveQuery } from "dexie-react-hooks";
import { useMemo, useSyncExternalStore } from "react";
import type { Client, Conversation, ConversationSummary } from "@/lib/client";

// Every conversation's summary, read by ONE live query per client and shared by everything
// that shows a part of it (the list of each tab, the requests count, the unread total in the
// title and badge, the open thread's header and consent). Each used to run its own query:
// reads of the conversation and consent tables after every write, i.e. after every message
// sent or received.

interface Listed {
  conversations: Conversation[];
  summaries: ConversationSummary[];
}

interface Store {
  subscribe(onChange: () => void): () => void;
  get(): Listed | undefined;
}

const stores = new WeakMap<Client, Store>();

function storeOf(client: Client): Store {
  let store = stores.get(client);
  if (store) return store;
  let value: Listed | undefined;
  let subscription: Subscription | undefined;
  const listeners = new Set<() => void>();
  store = {
    subscribe(onChange) {
      listeners.add(onChange);
      const start = () => {
        subscription = liveQuery(() => client.conversations.list()).subscribe({
          next: (conversations) => {
            value = { conversations, summaries: conversations.map((c) => c.summary()) };
            for (const l of listeners) l();
          },
          // An error ends a live query: start a new one shortly (the last list stays shown).
          error: () => {
            subscription = undefined;
            setTimeout(() => {
              if (listeners.size > 0 && !subscription) start();
            }, 1_000);
          },
        });
      };
      if (!subscription) start();
      return () => {
        listeners.delete(onChange);
        if (listeners.size === 0) {
          subscription?.unsubscribe();
          subscription = undefined;
        }
      };
    },
    get: () => value,
  };
  stores.set(client, store);
  return store;
}

function useListed(client: Client): Listed | undefined {
  const store = storeOf(client);
  return useSyncExternalStore(store.subscribe, store.get, () => undefined);
}

/** All summaries (every consent state), newest first once read; undefined while loading. */
export function useSummaries(client: Client): ConversationSummary[] | undefined {
  return useListed(client)?.summaries;
}

/**
 * One conversation (for its actions) and its summary, from the shared list; read alone only
 * when the list does not show it (a duplicate DM group the list stitches into another).
 * undefined while loading, null when there is no such conversation.
 */
export function useConversation(
  client: Client,
  id: string,
): { conversation: Conversation; summary: ConversationSummary } | null | undefined {
  const listed = useListed(client);
  const at = listed?.conversations.findIndex((c) => c.id === id) ?? -1;
  const unlisted = listed !== undefined && at < 0;
  const alone = useLiveQuery(
    async () => (unlisted ? ((await client.conversations.getById(id)) ?? null) : undefined),
    [client, id, unlisted],
  );
  const conversation = listed?.conversations[at];
  const summary = listed?.summaries[at];
  return useMemo(() => {
    if (conversation && summary) return { conversation, summary };
    if (!unlisted) return undefined;
    return alone && { conversation: alone, summary: alone.summary() };
  }, [conversation, summary, unlisted, alone]);
}
