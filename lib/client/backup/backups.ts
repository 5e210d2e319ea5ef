// client.backups: the whole local history to a passphrase-sealed file and back (README
// "Backup"). Light on purpose: the backup code itself (argon2id, frames) loads on use.
import type { ConsentRecord } from "../../storage";
import type { ClientContext } from "../context";
import type { BackupMute, BackupProgress, BackupSummary, RestoreSummary } from "./backup";
import type { KdfParams } from "./backup-header";

/** What a backup reads and writes beyond the store: the synced mutes and consent. */
export interface BackupPeers {
  mutes: () => Promise<BackupMute[]>;
  mergeMutes: (mutes: BackupMute[]) => Promise<void>;
  applyConsent: (records: ConsentRecord[]) => Promise<unknown>;
  /** Imported history reaches the store without the message bus: searches rebuild. */
  historyImported: () => void;
}

export class Backups {
  constructor(
    private readonly ctx: ClientContext,
    private readonly peers: BackupPeers,
  ) {}

  /**
   * The whole local history (conversations, every published message, consent, pins,
   * archives, mutes) as a file sealed under `passphrase` (argon2id + AES-256-GCM; the rule is
   * passphraseStrength's). Throws BackupError "weak_passphrase" before reading anything.
   */
  async export(
    passphrase: string,
    opts: { onProgress?: (p: BackupProgress) => void; kdf?: KdfParams } = {},
  ): Promise<{ file: Blob; summary: BackupSummary }> {
    const { writeBackup } = await import("./backup");
    return writeBackup(
      { db: this.ctx.db, inboxId: this.ctx.installation.inboxId, mutes: this.peers.mutes },
      passphrase,
      opts,
    );
  }

  /**
   * Restores a backup of this inbox made on any of its devices, with no other device online.
   * The file is checked whole first: a wrong passphrase, a damaged or cut file, or another
   * inbox's backup throws BackupError and changes nothing. Restoring it again adds nothing.
   * Conversations this device is not a member of yet are readable; it is added to them when
   * a member's app next sends there (conversations.isJoined tells).
   */
  async restore(
    file: Blob,
    passphrase: string,
    opts: { onProgress?: (p: BackupProgress) => void } = {},
  ): Promise<RestoreSummary> {
    const { restoreBackup } = await import("./backup");
    const summary = await restoreBackup(
      {
        db: this.ctx.db,
        inboxId: this.ctx.installation.inboxId,
        applyConsent: this.peers.applyConsent,
        mergeMutes: this.peers.mergeMutes,
      },
      file,
      passphrase,
      opts,
    );
    if (summary.newMessages > 0) this.peers.historyImported();
    return summary;
  }
}
