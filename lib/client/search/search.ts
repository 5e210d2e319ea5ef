// client.search: local history, as you type, grouped by conversation. Works offline: it
// reads only this device's store (through the in-memory index, search-index.ts).
import { ClientError } from "../errors";
import type { Conversations } from "../conversations/conversations";
import type { ConversationSummary } from "../types";
import { fold } from "./fold";
import type { SearchIndex } from "./search-index";
import { snippetOf, type Snippet } from "./snippet";

/** Longest query accepted, in characters. */
export const MAX_QUERY_LENGTH = 200;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

export interface SearchHit {
  id: string;
  sentAtNs: bigint;
  senderInboxId: string;
  snippet: Snippet;
}

/** The matches in one conversation, newest first. */
export interface SearchGroup {
  conversationId: string;
  conversation: ConversationSummary;
  messages: SearchHit[];
}

export interface SearchOptions {
  /** Most messages returned across all conversations (default 50, at most 1000). */
  limit?: number;
}

function checkQuery(query: unknown, opts: SearchOptions): { folded: string; limit: number } {
  if (typeof query !== "string")
    throw new ClientError("invalid_argument", `a search query must be a string`);
  if (query.length > MAX_QUERY_LENGTH)
    throw new ClientError(
      "invalid_argument",
      `a search query is at most ${MAX_QUERY_LENGTH} characters, got ${query.length}`,
    );
  const limit = opts.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new ClientError(
      "invalid_argument",
      `search limit must be an integer in 1..${MAX_LIMIT}, got ${limit}`,
    );
  return { folded: fold(query.trim().replace(/\s+/g, " ")), limit };
}

/**
 * Messages whose words contain the query (case and accents ignored), newest first, grouped
 * by conversation; conversations in order of their newest match. Blocked conversations and
 * the devices' own channel are left out.
 */
export async function search(
  index: SearchIndex,
  conversations: Conversations,
  query: string,
  opts: SearchOptions = {},
): Promise<SearchGroup[]> {
  const { folded, limit } = checkQuery(query, opts);
  if (folded === "") return [];
  await index.ready();
  const hits = index.find(folded, limit, BigInt(Date.now()) * 1_000_000n);
  // Every conversation shown is read at once: one after the other, in Chromium, 20 of them
  // were ~80 IndexedDB transactions end to end (the common query's whole cost there).
  const ids = [...new Set(hits.map((h) => h.conversationId))];
  const read = await Promise.all(ids.map((id) => conversations.getById(id)));
  const groups = new Map<string, SearchGroup | null>();
  for (const [i, id] of ids.entries()) {
    const summary = read[i]?.summary();
    groups.set(
      id,
      summary && summary.kind !== "sync" && summary.consent !== "denied"
        ? { conversationId: id, conversation: summary, messages: [] }
        : null,
    );
  }
  for (const hit of hits) {
    const group = groups.get(hit.conversationId);
    const snippet = snippetOf(hit.text, folded);
    if (group && snippet)
      group.messages.push({
        id: hit.id,
        sentAtNs: hit.sentAtNs,
        senderInboxId: hit.senderInboxId,
        snippet,
      });
  }
  return [...groups.values()].filter((g): g is SearchGroup => g !== null);
}
