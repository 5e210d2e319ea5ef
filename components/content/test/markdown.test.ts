import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "../markdown";
import { safeHref } from "../safe-url";

const LINK = "msg-link";
const render = (text: string) =>
  renderToStaticMarkup(createElement(Markdown, { text, linkClassName: LINK }));
const hrefs = (html: string) => [...html.matchAll(/\bhref="([^"]*)"/g)].map((m) => m[1]);
// Attribute names of every tag (React quotes every value and escapes quotes inside).
const attributeNames = (html: string) =>
  [...html.matchAll(/<[a-z][a-z0-9]*((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>/gi)].flatMap((tag) =>
    [...(tag[1] ?? "").matchAll(/\s([^\s=>/]+)(?:="[^"]*")?/g)].map((m) => m[1]?.toLowerCase()),
  );
const anchors = (html: string) => html.match(/<a\b[^>]*>/g) ?? [];
// What a reader sees: tags removed, entities decoded.
const visibleText = (html: string) =>
  html
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, "&");

const XSS = [
  "<script>alert(1)</script>",
  "hi <img src=x onerror=alert(1)> there",
  "[x](javascript:alert(1))",
  "[x](JAVASCRIPT:alert(1))",
  "[x](data:text/html,<script>alert(1)</script>)",
  "[x](vbscript:msgbox(1))",
  "[x](%6Aavascript:alert(1))",
  "<javascript:alert(1)>",
  "![x](https://evil.example/a.png)",
  "![x](javascript:alert(1))",
  '<a href="javascript:alert(1)">x</a>',
  '<svg onload="alert(1)"></svg>',
  '<iframe src="https://evil.example"></iframe>',
  "[x](https://ok.example 'title\" onmouseover=\"alert(1)')",
];

describe("markdown messages cannot run or load anything", () => {
  it.each(XSS)("renders %j inert", (payload) => {
    const html = render(payload);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<(svg|iframe|object|embed|style|form|input)\b/i);
    // No element carries an event handler (the literal text may still show, escaped).
    const names = attributeNames(html);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => n?.startsWith("on"))).toEqual([]);
    for (const href of hrefs(html)) expect(href).toMatch(/^(https?:\/\/|mailto:)/);
  });

  it("shows HTML from the source as the text that was typed, never as elements", () => {
    const html = render("a <b>bold</b> and <script>alert(1)</script>");
    expect(html).not.toMatch(/<b>/);
    expect(visibleText(html)).toBe("a <b>bold</b> and <script>alert(1)</script>");
    expect(visibleText(render('<a href="javascript:alert(1)">x</a>'))).toBe(
      '<a href="javascript:alert(1)">x</a>',
    );
    expect(anchors(render('<a href="https://ok.example">x</a>'))).toEqual([]);
  });

  it("keeps the words of a refused link as plain text", () => {
    for (const payload of [
      "[click](javascript:alert(1))",
      "[click](data:text/html,hi)",
      "[click](/relative)",
    ]) {
      const html = render(payload);
      expect(anchors(html)).toEqual([]);
      expect(visibleText(html)).toBe("click");
    }
  });

  it("turns an image into a link to its URL, without loading it", () => {
    const html = render("look ![a cat](https://img.example/cat.png)");
    expect(html).not.toMatch(/<img/i);
    expect(hrefs(html)).toEqual(["https://img.example/cat.png"]);
    expect(visibleText(html)).toBe("look a cat");
    // Inside a link the image is just its alt text: no link in a link.
    const linked = render("[![logo](https://img.example/l.png)](https://site.example)");
    expect(hrefs(linked)).toEqual(["https://site.example/"]);
    expect(visibleText(linked)).toBe("logo");
    // An image with an unsafe source is only its alt text.
    expect(anchors(render("![alt](javascript:alert(1))"))).toEqual([]);
  });
});

describe("links", () => {
  it("opens http(s) and mailto links in a new tab, without referrer or opener", () => {
    const html = render("[site](https://ok.example/a?b=1&c=2) and [mail](mailto:me@ok.example)");
    const tags = anchors(html);
    expect(tags).toHaveLength(2);
    for (const tag of tags) {
      expect(tag).toContain('target="_blank"');
      expect(tag).toContain('rel="noopener noreferrer nofollow"');
      expect(tag).toContain(`class="${LINK}"`);
    }
    expect(hrefs(html)).toEqual(["https://ok.example/a?b=1&amp;c=2", "mailto:me@ok.example"]);
  });

  it("links bare URLs like plain-text messages do, leaving trailing punctuation", () => {
    const html = render("see https://ok.example/page. or www.ok.example, thanks");
    expect(hrefs(html)).toEqual(["https://ok.example/page", "https://www.ok.example/"]);
    expect(visibleText(html)).toBe("see https://ok.example/page. or www.ok.example, thanks");
    // Not inside code.
    expect(anchors(render("`https://ok.example`"))).toEqual([]);
  });

  it("accepts only absolute http(s) and mailto URLs", () => {
    expect(safeHref("https://ok.example")).toBe("https://ok.example/");
    expect(safeHref("  HTTP://OK.example/x")).toBe("http://ok.example/x");
    expect(safeHref("mailto:a@b.example")).toBe("mailto:a@b.example");
    for (const bad of [
      "javascript:alert(1)",
      " JavaScript:alert(1)",
      "java\tscript:alert(1)",
      "data:text/html,x",
      "vbscript:x",
      "file:///etc/passwd",
      "/relative",
      "//evil.example",
      "",
    ]) {
      expect(safeHref(bad), bad).toBeUndefined();
    }
  });
});

describe("ordinary markdown", () => {
  it("renders emphasis, inline code and line breaks", () => {
    const html = render("**bold** *it* `x < y`\nnext line");
    expect(html).toContain('<strong class="font-semibold">bold</strong>');
    expect(html).toContain("<em>it</em>");
    expect(html).toMatch(/<code class="[^"]*font-mono[^"]*">x &lt; y<\/code>/);
    expect(html).toContain("<br/>next line");
  });

  it("renders lists, quotes, code blocks and rules", () => {
    const html = render(
      "- one\n- two\n  - nested\n\n1. first\n2. second\n\n> quoted\n\n```\nconst a = 1;\n```\n\n---",
    );
    expect(html).toMatch(/<ul[^>]*><li[^>]*>one<\/li><li[^>]*>two<ul[^>]*><li[^>]*>nested<\/li>/);
    expect(html).toMatch(/<ol[^>]*><li[^>]*>first<\/li><li[^>]*>second<\/li><\/ol>/);
    expect(html).toMatch(/<blockquote[^>]*><p[^>]*>quoted<\/p><\/blockquote>/);
    expect(html).toMatch(/<pre[^>]*overflow-x-auto[^>]*><code[^>]*>const a = 1;\n<\/code><\/pre>/);
    expect(html).toMatch(/<hr[^>]*\/>/);
    // Source newlines between blocks are not rendered as text.
    expect(html).not.toMatch(/>\n</);
  });

  it("shows headings as small bold paragraphs, not page headings", () => {
    const html = render("# Big\n###### small");
    expect(html).not.toMatch(/<h[1-6]/);
    expect(html).toMatch(/<p class="[^"]*font-semibold[^"]*text-\[1\.1em\][^"]*">Big<\/p>/);
  });
});
