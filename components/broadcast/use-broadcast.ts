"use client";
import { useSyncExternalStore } from "react";
import type { BroadcastJob, BroadcastProgress, Client } from "@/lib/client";

const none = () => undefined;
const noop = () => () => undefined;

/** The session's latest broadcast (it lives in the client, so it outlasts this view). */
export function useLatestBroadcast(client: Client): BroadcastJob | undefined {
  return useSyncExternalStore(
    (l) => client.broadcasts.subscribe(l),
    () => client.broadcasts.latest(),
    none,
  );
}

/** Its progress, re-rendered on every step. */
export function useBroadcastProgress(job: BroadcastJob | undefined): BroadcastProgress | undefined {
  return useSyncExternalStore(job ? (l) => job.subscribe(l) : noop, () => job?.progress(), none);
}
