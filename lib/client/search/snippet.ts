import { foldWithOrigins } from "./fold";

/** Part of a message around the match; `match` indexes into `text`. */
export interface Snippet {
  text: string;
  match: { start: number; end: number };
}

const BEFORE = 30; // characters of context kept before the match
const LENGTH = 120; // most characters a snippet holds

/** The snippet of `text` around the first match of the (already folded) query, or undefined. */
export function snippetOf(text: string, foldedQuery: string): Snippet | undefined {
  const { folded, origins } = foldWithOrigins(text);
  const at = folded.indexOf(foldedQuery);
  if (at < 0) return undefined;
  const start = origins[at]!;
  const end = origins[at + foldedQuery.length]!;
  // Long messages are cut around the match, on a whitespace where one is near.
  let from = Math.max(0, start - BEFORE);
  if (from > 0) {
    const space = text.lastIndexOf(" ", start - 1);
    if (space >= from - 10 && space < start) from = space + 1;
  }
  const to = Math.min(text.length, Math.max(end, from + LENGTH));
  const lead = from > 0 ? "…" : "";
  const tail = to < text.length ? "…" : "";
  const body = text.slice(from, to).replace(/\s+/g, " ");
  // Whitespace runs collapsed before the match shift it: recount on the collapsed text.
  const shift =
    text.slice(from, start).length - text.slice(from, start).replace(/\s+/g, " ").length;
  const matchStart = lead.length + (start - from) - shift;
  const matchLength = text.slice(start, end).replace(/\s+/g, " ").length;
  return {
    text: lead + body + tail,
    match: { start: matchStart, end: matchStart + matchLength },
  };
}
