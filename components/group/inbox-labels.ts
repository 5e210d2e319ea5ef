"use client";
import { useEffect, useState } from "react";
import type { Client } from "@/lib/client";
import { shortAddress } from "@/components/format/address";

// inbox ID → first address (null: looked up, none). Per client: addresses come from each
// inbox's verified identity log, which never changes an address once added.
const cache = new WeakMap<Client, Map<string, string | null>>();

function cacheOf(client: Client): Map<string, string | null> {
  let c = cache.get(client);
  if (!c) cache.set(client, (c = new Map()));
  return c;
}

export type InboxLabel = (inboxId: string) => string;

/** How to name inboxes in a thread: "You", a short address, or a short inbox ID while unknown. */
export function useInboxLabels(client: Client, inboxIds: readonly string[]): InboxLabel {
  const [, setVersion] = useState(0);
  const known = cacheOf(client);
  const missing = [...new Set(inboxIds)].filter((id) => id !== client.inboxId && !known.has(id));
  const key = missing.join(",");

  useEffect(() => {
    if (key === "") return;
    let live = true;
    void Promise.all(
      key.split(",").map(async (id) => {
        const [address] = await client.addressesOf(id);
        cacheOf(client).set(id, address ?? null);
      }),
    ).then(() => live && setVersion((v) => v + 1));
    return () => {
      live = false;
    };
  }, [client, key]);

  return (inboxId) => {
    if (inboxId === client.inboxId) return "You";
    const address = known.get(inboxId);
    return address ? shortAddress(address) : `Inbox ${inboxId.slice(0, 6)}…`;
  };
}
