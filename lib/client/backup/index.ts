// Public surface of lib/client/backup: encrypted backup files of the local history.
export { BackupError, type BackupErrorCode } from "./backup-error";
export {
  restoreBackup,
  writeBackup,
  type BackupMute,
  type BackupProgress,
  type BackupSummary,
  type RestoreSummary,
} from "./backup";
export { DEFAULT_KDF, KDF_BOUNDS, type KdfParams } from "./backup-header";
export {
  MIN_PASSPHRASE_BITS,
  MIN_PASSPHRASE_LENGTH,
  passphraseStrength,
  type PassphraseLevel,
  type PassphraseStrength,
} from "./passphrase";
