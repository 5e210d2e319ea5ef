// Why a backup could not be made or restored. Every restore error is raised before anything
// is stored (the whole file is checked first), so "nothing changed" holds for all of them.

export type BackupErrorCode =
  | "weak_passphrase" // below the rule in passphrase.ts
  | "not_a_backup" // no magic: another kind of file
  | "unsupported_version" // a newer format than this app reads
  | "bad_kdf_params" // KDF parameters outside the accepted bounds
  | "wrong_passphrase" // the passphrase does not give this file's check value
  | "damaged" // a frame does not authenticate: changed, or frames swapped
  | "truncated" // the file ends before its last frame
  | "wrong_inbox" // another inbox's backup: its consent must not become ours
  | "malformed"; // authentic, but not a valid archive (a bug, or a hostile writer with the key)

export class BackupError extends Error {
  override readonly name = "BackupError";
  constructor(
    readonly code: BackupErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
