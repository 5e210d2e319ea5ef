import { Fragment, type ReactNode } from "react";

// http(s) links and bare www. hosts; trailing punctuation stays text.
const URL_RE = /\b(https?:\/\/[^\s<>"']+|www\.[^\s<>"']+)/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

/** Plain text with safe links: React escapes the text; only http(s) becomes an anchor. */
export function linkify(text: string, linkClass: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    const start = match.index ?? 0;
    let url = match[0];
    const trail = TRAILING.exec(url)?.[0] ?? "";
    if (trail) url = url.slice(0, -trail.length);
    if (start > last) out.push(text.slice(last, start));
    const href = url.startsWith("www.") ? `https://${url}` : url;
    out.push(
      <a key={start} href={href} target="_blank" rel="noopener noreferrer" className={linkClass}>
        {url}
      </a>,
    );
    last = start + url.length;
  }
  if (last < text.length) out.push(<Fragment key="rest">{text.slice(last)}</Fragment>);
  return out;
}
