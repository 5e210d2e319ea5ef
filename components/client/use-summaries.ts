"use client";
import { liveQuery, type Subscription } from "dexie";
import { useSyncExternalStore } from "react";
import type { Client, ConversationSummary } from "@/lib/client";

// Every conversation's summary, read by ONE live query per client and shared by everything
// that shows a part of it (the list of each tab, the requests count, the unread total in the
// title and badge). Each used to run its own query: three reads of the conversation and
// consent tables after every write, i.e. after every message sent or received.

interface Store {
  subscribe(onChange: () => void): () => void;
  get(): ConversationSummary[] | undefined;
}

const stores = new WeakMap<Client, Store>();

function storeOf(client: Client): Store {
  let store = stores.get(client);
  if (store) return store;
  let value: ConversationSummary[] | undefined;
  let subscription: Subscription | undefined;
  const listeners = new Set<() => void>();
  store = {
    subscribe(onChange) {
      listeners.add(onChange);
      const start = () => {
        subscription = liveQuery(() => client.conversations.summaries()).subscribe({
          next: (next) => {
            value = next;
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

/** All summaries (every consent state), newest first once read; undefined while loading. */
export function useSummaries(client: Client): ConversationSummary[] | undefined {
  const store = storeOf(client);
  return useSyncExternalStore(store.subscribe, store.get, () => undefined);
}
