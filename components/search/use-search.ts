"use client";
import { useEffect, useState } from "react";
import type { Client, SearchGroup } from "@/lib/client";

const DEBOUNCE_MS = 100;

export type SearchState =
  | { status: "idle" }
  | { status: "searching" }
  | { status: "done"; groups: SearchGroup[] }
  | { status: "error"; message: string };

/** Results as the person types: one search per pause of 100 ms, the latest query wins. */
export function useSearch(client: Client, query: string): SearchState {
  const [state, setState] = useState<SearchState>({ status: "idle" });
  const blank = query.trim() === "";
  useEffect(() => {
    if (blank) return;
    let current = true;
    const timer = setTimeout(() => {
      client.search(query).then(
        (groups) => current && setState({ status: "done", groups }),
        (err: unknown) => current && setState({ status: "error", message: (err as Error).message }),
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, query, blank]);
  if (blank) return { status: "idle" };
  // Until the first answer comes; later queries keep the previous results on screen.
  return state.status === "idle" ? { status: "searching" } : state;
}
