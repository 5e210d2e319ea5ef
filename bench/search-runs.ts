// The timed part of the search benches (bench/search.ts in Node, bench/search-browser.ts in
// Chromium): the first search builds the index, then each query is timed alone.
import type { Client } from "../lib/client";
import { summary, time } from "./stats";

// A rare match (one message), a common one (every message; the newest 50 are kept), a miss.
const QUERIES = (messages: number) => [`message ${messages - 7}:`, "LOREM", "no such words"];

/** The timed searches on an open client: a build, then each query `runs` times. */
export async function searchRuns(client: Client, messages: number, runs: number) {
  const buildMs = await time(() => client.search("warm up"));
  const results = [];
  for (const q of QUERIES(messages)) {
    const found = await client.search(q);
    const hits = found.reduce((n, g) => n + g.messages.length, 0);
    if (q !== "no such words" && hits === 0) throw new Error(`"${q}" found nothing`);
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await time(() => client.search(q)));
    results.push({ ...summary(`search "${q}" in ${messages} messages (${hits} shown)`, samples) });
  }
  return { buildMs, results };
}
