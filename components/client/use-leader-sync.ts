"use client";
import { useEffect, useState } from "react";
import type { Client } from "@/lib/client";

/**
 * One tab per account talks to the node: the tab holding the Web Lock
 * `messenger:leader:<address>` for its lifetime. When it closes, the next tab
 * waiting for the lock takes over. Every tab sees the data through IndexedDB.
 */
export function useLeaderSync(client: Client): boolean {
  const [isLeader, setIsLeader] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    const lead = () =>
      new Promise<void>((release) => {
        setIsLeader(true);
        const stop = client.startSync((stage, err) => {
          console.warn(`sync (${stage}) failed:`, err);
        });
        abort.signal.addEventListener("abort", () => {
          stop();
          release();
        });
      });
    const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
    if (!locks?.request) {
      void lead();
    } else {
      locks
        .request(`messenger:leader:${client.address}`, { signal: abort.signal }, lead)
        .catch(() => undefined); // aborted while waiting: this tab closed first
    }
    return () => {
      abort.abort();
      setIsLeader(false);
    };
  }, [client]);

  return isLeader;
}
