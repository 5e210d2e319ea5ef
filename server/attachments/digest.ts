// An attachment's id is the SHA-256 of its bytes, as 64 lowercase hex characters.
import { AttachmentError } from "./errors";

const DIGEST_RE = /^[0-9a-f]{64}$/;

export function isDigest(s: string): boolean {
  return DIGEST_RE.test(s);
}

/** Returns `s` if it is a well-formed digest; otherwise throws naming the problem. */
export function checkDigest(s: string): string {
  if (DIGEST_RE.test(s)) return s;
  const shown = JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
  const why =
    s.length !== 64
      ? `${s.length} characters`
      : /^[0-9a-fA-F]+$/.test(s)
        ? "uppercase hex"
        : "not hex";
  throw new AttachmentError(
    "bad_digest",
    `attachment id must be the SHA-256 of the blob as 64 lowercase hex characters, got ${shown} (${why})`,
  );
}
