// Typed errors for content decoding/encoding. Only a failed download is worth retrying:
// the same bytes fail the same way every time.

export type ContentErrorCode =
  | "malformed_content"
  | "unknown_content_type"
  | "invalid_content_type"
  | "decompression_failed"
  | "too_large"
  // Remote attachments (remote-attachment-crypto.ts).
  | "insecure_url"
  | "fetch_failed"
  | "length_mismatch"
  | "digest_mismatch"
  | "decrypt_failed";

export class ContentError extends Error {
  readonly code: ContentErrorCode;
  readonly retryable: boolean;

  constructor(code: ContentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ContentError";
    this.code = code;
    this.retryable = code === "fetch_failed";
  }
}
