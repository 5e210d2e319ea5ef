// Typed errors for the MLS layer: a stable `code`, a `retryable` flag and a
// message naming the bad field or the broken rule.

export type MlsErrorCode =
  | "malformed_message"
  | "malformed_key_package"
  | "key_package_lifetime" // expired or not yet valid (lifetime.not_before/not_after)
  | "invalid_credential"
  | "unauthorized_member"
  | "wrong_group"
  | "wrong_epoch"
  | "not_a_member"
  | "decrypt_failed"
  | "sender_not_member" // a past-epoch message whose sender's leaf is gone from the current tree
  | "epoch_too_old" // a message more than MAX_PAST_EPOCHS behind the group
  | "invalid_welcome"
  | "invalid_commit"
  | "invalid_metadata"
  | "invalid_state"
  | "invalid_argument"
  | "auth_unavailable";

export class MlsError extends Error {
  readonly code: MlsErrorCode;
  readonly retryable: boolean;

  constructor(
    code: MlsErrorCode,
    message: string,
    options?: { retryable?: boolean; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "MlsError";
    this.code = code;
    this.retryable = options?.retryable ?? false;
  }
}

/** The message of anything thrown, for wrapping library errors. */
export function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Maps an error thrown inside ts-mls: our own errors pass through, an authentication
 * refusal recorded during the call wins, anything else gets `code` and `context`.
 */
export function fromLibrary(
  err: unknown,
  refusal: MlsError | undefined,
  code: MlsErrorCode,
  context: string,
): MlsError {
  if (err instanceof MlsError) return err;
  if (refusal !== undefined) return refusal;
  return new MlsError(code, `${context}: ${describe(err)}`, { cause: err });
}
