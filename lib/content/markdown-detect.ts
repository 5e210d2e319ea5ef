// Whether typed text means markdown (issue 17 item 7): the composer sends xmtp.org/markdown
// for it and xmtp.org/text otherwise. Only what a person writes on purpose counts — bold,
// italic, code, lists, links — and each pattern needs the delimiters CommonMark itself
// needs (flanking rules), so "2*3*4", a lone "_", snake_case or an email stay plain text.

// **bold** / __bold__: no space just inside the delimiters.
const STRONG = /(^|[^\w*])\*\*(?=\S)[^\n]*?\S\*\*(?![\w*])|(^|[^\w_])__(?=\S)[^\n]*?\S__(?![\w_])/;
// *italic* / _italic_: opened after a non-word character, closed before one.
const EMPHASIS =
  /(^|[^\w*])\*(?=[^\s*])[^*\n]*?[^\s*]\*(?![\w*])|(^|[^\w_])_(?=[^\s_])[^_\n]*?[^\s_]_(?![\w_])/;
const SINGLE_CHAR_EMPHASIS = /(^|[^\w*])\*[^\s*]\*(?![\w*])|(^|[^\w_])_[^\s_]_(?![\w_])/;
// `code` (something between the ticks) or a ``` fence opening a line.
const INLINE_CODE = /`[^`\n]*[^`\s][^`\n]*`/;
const FENCE = /^\s{0,3}```/m;
// [text](http(s)://… or mailto:…)
const LINK = /\[[^\]\n]+\]\((?:https?:\/\/|mailto:)[^\s)]+\)/;
// A list: two lines in a row that are items ("- a", "* a", "+ a", "1. a", "1) a").
const LIST_ITEM = /^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s+\S/;

function hasList(text: string): boolean {
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    if (LIST_ITEM.test(lines[i - 1]!) && LIST_ITEM.test(lines[i]!)) return true;
  }
  return false;
}

export function looksLikeMarkdown(text: string): boolean {
  if (typeof text !== "string" || text.length === 0) return false;
  return (
    STRONG.test(text) ||
    EMPHASIS.test(text) ||
    SINGLE_CHAR_EMPHASIS.test(text) ||
    INLINE_CODE.test(text) ||
    FENCE.test(text) ||
    LINK.test(text) ||
    hasList(text)
  );
}
