"use client";
import { useEffect, useState } from "react";
import type { Client, HistorySyncState } from "@/lib/client";

/** The history hand-over's progress, as the leader tab's client reports it. */
export function useHistorySync(client: Client): HistorySyncState {
  const [state, setState] = useState<HistorySyncState>(client.deviceSync.historyState);
  useEffect(() => client.deviceSync.onHistoryStateChange(setState), [client]);
  return state;
}
