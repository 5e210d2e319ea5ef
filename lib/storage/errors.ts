// Typed storage errors. A corrupt sealed record will not heal by retrying.

export type StorageErrorCode =
  | "sealed_record_corrupt"
  | "not_found"
  | "invalid_argument"
  /** A save built on a record another writer (tab) has replaced since: read it again. */
  | "stale_state"
  /** Sign to unlock is on and this database has not been unlocked with the wallet's signature. */
  | "store_locked"
  /** The signature given to unlock does not open the data key (another wallet or another text). */
  | "unlock_failed";

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly retryable = false as const;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StorageError";
    this.code = code;
  }
}
