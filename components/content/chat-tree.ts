import { safeHref } from "./safe-url";

/** The parts of a hast node this plugin reads and writes. */
type HastNode = {
  type: string;
  value?: string;
  tagName?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
};

const BLOCKS = new Set([
  "p",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "ul",
  "ol",
  "li",
  "blockquote",
  "pre",
  "hr",
]);
// Same rule as plain-text messages: http(s) and bare www. hosts; trailing punctuation stays text.
const BARE_URL = /\b(https?:\/\/[^\s<>"']+|www\.[^\s<>"']+)/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

const text = (value: string): HastNode => ({ type: "text", value });
const element = (tagName: string, properties: Record<string, unknown>, children: HastNode[]) => ({
  type: "element",
  tagName,
  properties,
  children,
});
const isBlock = (n: HastNode | undefined) => n?.type === "element" && BLOCKS.has(n.tagName ?? "");

/**
 * Rehype plugin that makes the markdown tree fit a chat bubble, before react-markdown
 * turns it into elements:
 * - raw HTML from the source becomes visible, inert text (never parsed, never dropped);
 * - images become a link to their URL (or just their alt text): loading a remote
 *   image would tell its host the reader's IP address;
 * - bare URLs become links, like in plain-text messages;
 * - a newline inside a paragraph is a line break, as people expect in a chat;
 * - the newlines between blocks (source layout) are dropped.
 */
export function rehypeChatTree() {
  return (tree: HastNode) => walk(tree, false);
}

function walk(parent: HastNode, inLink: boolean): void {
  const kids = parent.children ?? [];
  const hasBlocks = kids.some(isBlock);
  const out: HastNode[] = [];
  kids.forEach((child, i) => {
    if (child.type === "text" || child.type === "raw") {
      let value = child.value ?? "";
      if (hasBlocks) {
        if (i === 0 || isBlock(kids[i - 1])) value = value.replace(/^\s+/, "");
        if (i === kids.length - 1 || isBlock(kids[i + 1])) value = value.replace(/\s+$/, "");
        if (!value) return;
      }
      const isRaw = child.type === "raw";
      const inline = phrasing(value, !isRaw && !inLink);
      // An HTML block at the top level gets a paragraph, for the same spacing as text.
      out.push(...(isRaw && parent.type === "root" ? [element("p", {}, inline)] : inline));
    } else if (child.type === "element" && child.tagName === "img") {
      out.push(imageAsText(child, inLink));
    } else if (child.type === "element") {
      // Code keeps its text exactly as written.
      if (child.tagName !== "pre" && child.tagName !== "code") {
        walk(child, inLink || child.tagName === "a");
      }
      out.push(child);
    }
    // Anything else (comments, doctypes) is dropped.
  });
  parent.children = out;
}

/** Text with line breaks and, when allowed, bare URLs as links. */
function phrasing(value: string, links: boolean): HastNode[] {
  const out: HastNode[] = [];
  value.split("\n").forEach((line, i) => {
    if (i > 0) out.push(element("br", {}, []));
    if (!links) {
      if (line) out.push(text(line));
      return;
    }
    let last = 0;
    for (const match of line.matchAll(BARE_URL)) {
      const start = match.index;
      let url = match[0];
      const trail = TRAILING.exec(url)?.[0] ?? "";
      if (trail) url = url.slice(0, -trail.length);
      if (start > last) out.push(text(line.slice(last, start)));
      out.push(
        element("a", { href: url.startsWith("www.") ? `https://${url}` : url }, [text(url)]),
      );
      last = start + url.length;
    }
    if (last < line.length) out.push(text(line.slice(last)));
  });
  return out;
}

function imageAsText(img: HastNode, inLink: boolean): HastNode {
  const src = String(img.properties?.src ?? "");
  const alt = String(img.properties?.alt ?? "");
  const href = inLink ? undefined : safeHref(src);
  if (!href) return text(alt);
  return element("a", { href, title: `Image (not loaded): ${src}` }, [text(alt || src)]);
}
