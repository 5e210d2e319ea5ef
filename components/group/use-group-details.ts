"use client";
import { useLiveQuery } from "dexie-react-hooks";
import type { Client, GroupDetails } from "@/lib/client";

/**
 * A group's info, members, policy and this member's abilities, re-read whenever a commit
 * changes the stored group state (a Dexie live query). null: no such group here.
 */
export function useGroupDetails(
  client: Client,
  conversationId: string,
): GroupDetails | null | undefined {
  return useLiveQuery(async () => {
    const group = await client.conversations.getGroup(conversationId);
    return group ? group.details() : null;
  }, [client, conversationId]);
}
