// Typed errors for content decoding/encoding. Nothing here is worth retrying:
// the same bytes fail the same way every time.

export type ContentErrorCode =
  | "malformed_content"
  | "unknown_content_type"
  | "invalid_content_type"
  | "decompression_failed"
  | "too_large";

export class ContentError extends Error {
  readonly code: ContentErrorCode;
  readonly retryable = false as const;

  constructor(code: ContentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ContentError";
    this.code = code;
  }
}
