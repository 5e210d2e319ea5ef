"use client";
import { useLiveQuery } from "dexie-react-hooks";
import { useEffect, useState } from "react";
import type { Client, GroupDetails } from "@/lib/client";

/**
 * A group's info, members, policy and this member's abilities. They change only with a
 * commit (or this member's removal), so the live query watches the group's version alone
 * (cheap, no state opened) and the details are read again when it moves: not on every
 * message, which at 1,000 members meant a thousand member rows rebuilt per message.
 * null: no such group here (or a DM).
 */
export function useGroupDetails(
  client: Client,
  conversationId: string,
): GroupDetails | null | undefined {
  const version = useLiveQuery(
    () => client.conversations.groupVersion(conversationId),
    [client, conversationId],
  );
  const [details, setDetails] = useState<{ id: string; value: GroupDetails | null }>();
  useEffect(() => {
    if (version === undefined) return;
    let current = true;
    void (async () => {
      const group =
        version === null ? undefined : await client.conversations.getGroup(conversationId);
      const value = group ? await group.details() : null;
      if (current) setDetails({ id: conversationId, value });
    })().catch(() => undefined); // unreadable now: the last details stay, the next version retries
    return () => {
      current = false;
    };
  }, [client, conversationId, version]);
  // While the next version's details load, this group's previous ones stay on screen.
  return details?.id === conversationId ? details.value : undefined;
}
