"use client";
import { useCallback, useState } from "react";
import type { Group } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { isClientError } from "@/components/client/errors";

/**
 * Runs one group change at a time and keeps its outcome on screen: which action is
 * running (for its spinner) and, when it failed, the library's reason in words.
 */
export function useGroupAction(conversationId: string) {
  const { client } = useClient();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();

  const run = useCallback(
    async (key: string, change: (g: Group) => Promise<void>): Promise<boolean> => {
      setBusy(key);
      setError(undefined);
      try {
        const group = await client.conversations.getGroup(conversationId);
        if (!group) throw new Error("this group is no longer on this device");
        await change(group);
        return true;
      } catch (err) {
        setError(
          isClientError(err)
            ? `${capitalize(err.message)}.`
            : "That didn't go through. Check your connection and try again.",
        );
        return false;
      } finally {
        setBusy(undefined);
      }
    },
    [client, conversationId],
  );

  return { busy, error, run, clearError: () => setError(undefined) };
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export type GroupAction = ReturnType<typeof useGroupAction>;
