import { useMemo, type ReactNode } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import { rehypeChatTree } from "./chat-tree";
import { safeHref } from "./safe-url";

// Everything a CommonMark message can produce once images are links: anything else is unwrapped.
const ALLOWED_ELEMENTS = [
  "p",
  "br",
  "em",
  "strong",
  "code",
  "pre",
  "a",
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
  "hr",
];

// Margins collapse between siblings: a small gap between blocks, none at the bubble's edges.
const GAP = "my-1.5 first:mt-0 last:mb-0";
// Tints from currentColor so one style reads on a light-grey bubble and on white-on-indigo.
const TINT = "bg-current/10";

const urlTransform = (url: string) => safeHref(url) ?? "";

/**
 * A heading inside a message is only emphasis: a <p>, so it neither shouts (≤ 1.1em)
 * nor joins the page's heading outline that screen readers navigate by.
 */
function heading(size: string) {
  return function MessageHeading({ children }: { children?: ReactNode }) {
    return <p className={`${GAP} font-semibold ${size}`}>{children}</p>;
  };
}

function messageComponents(linkClassName: string): Components {
  return {
    p: ({ children }) => <p className={GAP}>{children}</p>,
    h1: heading("text-[1.1em]"),
    h2: heading("text-[1.05em]"),
    h3: heading("text-[1em]"),
    h4: heading("text-[1em]"),
    h5: heading("text-[0.95em]"),
    h6: heading("text-[0.95em] opacity-80"),
    strong: ({ children }) => <strong className="font-semibold">{children}</strong>,
    em: ({ children }) => <em>{children}</em>,
    a: ({ href, title, children }) => {
      // urlTransform already blanked unsafe URLs; check again so no path renders one.
      const safe = href ? safeHref(href) : undefined;
      if (!safe) return <>{children}</>;
      return (
        <a
          href={safe}
          title={title}
          target="_blank"
          rel="noopener noreferrer nofollow"
          className={linkClassName}
        >
          {children}
        </a>
      );
    },
    code: ({ children }) => (
      <code className={`rounded ${TINT} px-1 py-px font-mono text-[0.88em]`}>{children}</code>
    ),
    pre: ({ children }) => (
      <pre
        className={`${GAP} max-w-full overflow-x-auto rounded-lg ${TINT} px-2.5 py-2 font-mono text-[0.85em] leading-snug whitespace-pre [&>code]:bg-transparent [&>code]:p-0 [&>code]:text-[1em]`}
      >
        {children}
      </pre>
    ),
    ul: ({ children }) => <ul className={`${GAP} list-disc pl-5 [&_ul]:my-0.5`}>{children}</ul>,
    ol: ({ children, start }) => (
      <ol start={start} className={`${GAP} list-decimal pl-5 [&_ol]:my-0.5`}>
        {children}
      </ol>
    ),
    li: ({ children }) => <li className="my-0.5 pl-0.5">{children}</li>,
    blockquote: ({ children }) => (
      <blockquote className={`${GAP} border-l-2 border-current/40 pl-2.5 opacity-90`}>
        {children}
      </blockquote>
    ),
    hr: () => <hr className="my-2 border-current/25" />,
  };
}

/**
 * xmtp.org/markdown:1.0 text for a chat bubble. Safe by construction: HTML in the
 * source shows as typed text (React escapes it), only http(s)/mailto links become
 * anchors (others stay plain text), and images are never loaded (shown as links).
 * Renders a <div>: place it where block content is allowed, not inside a <p>.
 */
export function Markdown({ text, linkClassName }: { text: string; linkClassName: string }) {
  const components = useMemo(() => messageComponents(linkClassName), [linkClassName]);
  return (
    <div className="min-w-0 break-words whitespace-normal">
      <ReactMarkdown
        rehypePlugins={[rehypeChatTree]}
        // No raw nodes are left by rehypeChatTree; if one were, skipHtml drops it.
        skipHtml
        urlTransform={urlTransform}
        allowedElements={ALLOWED_ELEMENTS}
        unwrapDisallowed
        components={components}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}
