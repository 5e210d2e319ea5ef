// Case- and accent-insensitive matching: text is folded (NFD, combining marks dropped,
// lowercased) once when indexed; the query is folded the same way.

const MARKS = /\p{M}/gu;

function foldChar(ch: string): string {
  return ch.normalize("NFD").replace(MARKS, "").toLowerCase();
}

/** The folded form of `text`, for indexing and for the query. */
export function fold(text: string): string {
  return text.normalize("NFD").replace(MARKS, "").toLowerCase();
}

/**
 * The folded form with, for each of its UTF-16 units, the index in `text` it came from:
 * a match found in the folded text is highlighted in the original (folding can change
 * lengths: "é" is two units after NFD, "İ" lowercases to two).
 */
export function foldWithOrigins(text: string): { folded: string; origins: number[] } {
  let folded = "";
  const origins: number[] = [];
  let at = 0;
  for (const ch of text) {
    const f = foldChar(ch);
    folded += f;
    for (let i = 0; i < f.length; i++) origins.push(at);
    at += ch.length;
  }
  origins.push(at); // one past the end, so an end index maps too
  return { folded, origins };
}
