"use client";
import { useLiveQuery } from "dexie-react-hooks";
import { useEffect, useState } from "react";
import type { Client, GroupDetails } from "@/lib/client";

/**
 * Whether this installation holds the conversation's state (a conversation restored from a
 * backup may not: readable, nothing can be sent), and a group's info, members, policy and
 * this member's abilities. They change only with a commit (or this member's removal), so the
 * live query watches the state's version alone (one cheap read, no state opened; it answers
 * both) and the details are read again when it moves: not on every message, which at 1,000
 * members meant a thousand member rows rebuilt per message.
 * details: null for a DM, or a group not joined here; undefined while loading.
 */
export function useGroupState(
  client: Client,
  conversationId: string,
  isGroup: boolean | undefined,
): { joined: boolean | undefined; details: GroupDetails | null | undefined } {
  const version = useLiveQuery(
    () => client.conversations.stateVersion(conversationId),
    [client, conversationId],
  );
  const groupVersion = isGroup === undefined ? undefined : isGroup ? version : null;
  const [details, setDetails] = useState<{ id: string; value: GroupDetails | null }>();
  useEffect(() => {
    if (groupVersion === undefined) return;
    let current = true;
    void (async () => {
      const group =
        groupVersion === null ? undefined : await client.conversations.getGroup(conversationId);
      const value = group ? await group.details() : null;
      if (current) setDetails({ id: conversationId, value });
    })().catch(() => undefined); // unreadable now: the last details stay, the next version retries
    return () => {
      current = false;
    };
  }, [client, conversationId, groupVersion]);
  return {
    joined: version === undefined ? undefined : version !== null,
    // While the next version's details load, this group's previous ones stay on screen.
    details: details?.id === conversationId ? details.value : undefined,
  };
}
