// Refusals of the attachment store, each with a sentence naming what was wrong.
export type AttachmentErrorCode = "too_large" | "empty" | "bad_digest";

export class AttachmentError extends Error {
  override readonly name = "AttachmentError";
  constructor(
    readonly code: AttachmentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** `size` when the sender declared it; otherwise `received` = bytes read before stopping. */
export function tooLarge(
  limit: number,
  size: number | undefined,
  received?: number,
): AttachmentError {
  return new AttachmentError(
    "too_large",
    size !== undefined
      ? `attachment is ${size} bytes; the limit is ${limit} bytes`
      : `attachment is over the limit of ${limit} bytes (${received} bytes received when the upload was stopped)`,
  );
}
