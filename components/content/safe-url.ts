// Links in message content may only leave for the web or a mail client.
const ALLOWED_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

/**
 * The normalized href when `url` is an absolute http(s) or mailto URL; undefined for
 * anything else (javascript:, data:, vbscript:, relative paths, garbage), which the
 * caller then shows as plain text. The WHATWG parser strips tabs/newlines and
 * lower-cases the scheme, so "JAVA\tSCRIPT:" tricks land here as "javascript:".
 */
export function safeHref(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  return ALLOWED_PROTOCOLS.has(parsed.protocol) ? parsed.href : undefined;
}
