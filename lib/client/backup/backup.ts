// Backup to a file and restore from it (issue 17 item 9): the same archive a device hands a
// new device (devices/history-archive.ts), cut into frames, sealed under a key from the
// person's passphrase (backup-header.ts, backup-frames.ts). Unlike history sync it carries
// every published message, read page by page, so 10,000+ messages never sit in memory at
// once; a restore reads the file twice — first to check every frame, then to merge — so a
// wrong passphrase, a damaged or cut file, or another inbox's backup changes nothing.
import {
  listConversations,
  loadConversationPrefs,
  mergeConversationPrefs,
  prefUpdatesOf,
  publishedMessagesAfter,
  type ConsentRecord,
  type MessageCursor,
  type MessengerDb,
} from "../../storage";
import {
  ARCHIVE_VERSION,
  archivedConversation,
  archivedMessage,
  HistoryError,
  importArchive,
  validateArchive,
  type ArchivedConversation,
  type ArchivedMessage,
  type HistoryArchive,
  type ListedRow,
} from "../devices/history-archive";
import { BackupError } from "./backup-error";
import { FrameWriter, readFrames } from "./backup-frames";
import {
  DEFAULT_KDF,
  decodeHeader,
  deriveBackupKey,
  HEADER_BYTES,
  newBackupKey,
  type KdfParams,
} from "./backup-header";
import { validateTrailer, type BackupTrailer } from "./backup-trailer";
import { passphraseStrength } from "./passphrase";

/** Messages per frame, and the encoded bytes after which a frame closes early (files). */
const FRAME_MESSAGES = 1000;
const FRAME_BYTES = 4 * 1024 * 1024;
const PAGE = 500;

export type BackupProgress =
  | { phase: "key"; fraction: number }
  | { phase: "writing"; messages: number; total: number }
  | { phase: "checking" | "restoring"; fraction: number };

export interface BackupMute {
  id: string;
  muted: boolean;
  atNs: string;
}

export interface BackupSource {
  db: MessengerDb;
  inboxId: string;
  /** Per-conversation mutes (push preferences), or none. */
  mutes?: () => Promise<BackupMute[]>;
}

export interface RestoreTarget {
  db: MessengerDb;
  inboxId: string;
  /** Consent goes through the preferences (last writer wins, views and push follow). */
  applyConsent: (records: ConsentRecord[]) => Promise<unknown>;
  mergeMutes?: (mutes: BackupMute[]) => Promise<void>;
}

export interface BackupSummary {
  conversations: number;
  messages: number;
  consent: number;
}

export interface RestoreSummary extends BackupSummary {
  /** What was not on this device before (0 and 0 when the same file is restored again). */
  newConversations: number;
  newMessages: number;
}

const nowNs = () => (BigInt(Date.now()) * 1_000_000n).toString();

/** The whole local history as an encrypted file (a Blob: download it, or keep its bytes). */
export async function writeBackup(
  src: BackupSource,
  passphrase: string,
  opts: { kdf?: KdfParams; onProgress?: (p: BackupProgress) => void } = {},
): Promise<{ file: Blob; summary: BackupSummary }> {
  const strength = passphraseStrength(passphrase);
  if (!strength.acceptable)
    throw new BackupError("weak_passphrase", `passphrase refused: ${strength.hint}`);
  const progress = opts.onProgress;
  const { header, key } = await newBackupKey(passphrase, opts.kdf ?? DEFAULT_KDF, (fraction) =>
    progress?.({ phase: "key", fraction }),
  );
  const out = new FrameWriter(key, header.bytes);
  const inboxId = src.inboxId.toLowerCase();
  const exportedAtNs = nowNs();
  const archive = (
    conversations: ArchivedConversation[],
    messages: ArchivedMessage[],
    consent: HistoryArchive["consent"],
  ): HistoryArchive => ({
    version: ARCHIVE_VERSION,
    inboxId,
    exportedAtNs,
    conversations,
    messages,
    consent,
  });

  const rows = (await listConversations(src.db)).filter(
    (r): r is ListedRow => r.kind === "dm" || r.kind === "group",
  );
  const byId = new Map(rows.map((r) => [r.id, archivedConversation(r)]));
  const consent = await src.db.consent.toArray();
  // Frame 0: every conversation and every consent record; then the messages.
  await out.add(archive([...byId.values()], [], consent));
  let frames = 1;
  const total = await src.db.messages.count();
  let messages = 0;
  let batch: ArchivedMessage[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const ids = new Set(batch.map((m) => m.conversationId));
    await out.add(
      archive(
        [...ids].map((id) => byId.get(id)!),
        batch,
        [],
      ),
    );
    frames++;
    messages += batch.length;
    batch = [];
    bytes = 0;
    progress?.({ phase: "writing", messages, total });
  };
  for (const row of rows) {
    let cursor: MessageCursor | undefined;
    do {
      const page = await publishedMessagesAfter(src.db, row.id, cursor, PAGE);
      for (const m of page.messages) {
        const a = archivedMessage(m);
        batch.push(a);
        bytes += a.encodedContent.length;
        if (batch.length >= FRAME_MESSAGES || bytes >= FRAME_BYTES) await flush();
      }
      cursor = page.next;
    } while (cursor);
  }
  await flush();

  const prefs = prefUpdatesOf(await loadConversationPrefs(src.db));
  const trailer: BackupTrailer = {
    kind: "end",
    inboxId,
    exportedAtNs,
    frames,
    conversations: rows.length,
    messages,
    consent: consent.length,
    prefs: prefs.map((p) => ({ key: p.key, field: p.field, on: p.on, atNs: p.atNs.toString() })),
    mutes: (await src.mutes?.()) ?? [],
  };
  await out.add(trailer, true);
  const file = new Blob(out.parts as BlobPart[], { type: "application/octet-stream" });
  return { file, summary: { conversations: rows.length, messages, consent: consent.length } };
}

/** The header's KDF run with the passphrase; a wrong one is told apart by the check value. */
async function openKey(
  file: Blob,
  passphrase: string,
  progress?: (p: BackupProgress) => void,
): Promise<{ key: CryptoKey; header: Uint8Array }> {
  if (typeof passphrase !== "string" || passphrase.length === 0)
    throw new BackupError("wrong_passphrase", "enter the backup's passphrase");
  const header = decodeHeader(new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer()));
  const { key, check } = await deriveBackupKey(passphrase, header.salt, header.kdf, (fraction) =>
    progress?.({ phase: "key", fraction }),
  );
  if (!check.every((b, i) => b === header.check[i]))
    throw new BackupError("wrong_passphrase", "wrong passphrase for this backup file");
  return { key, header: header.bytes };
}

/** Each archive frame checked (for `inboxId` only), then the trailer against what came before. */
async function* checkedFrames(
  file: Blob,
  key: CryptoKey,
  header: Uint8Array,
  inboxId: string,
): AsyncGenerator<{ archive?: HistoryArchive; trailer?: BackupTrailer; offset: number }> {
  const seen = { frames: 0, conversations: new Set<string>(), messages: 0, consent: 0 };
  for await (const frame of readFrames(file, key, header)) {
    if (frame.last) {
      const trailer = validateTrailer(frame.value);
      if (trailer.inboxId !== inboxId) throw wrongInbox(trailer.inboxId, inboxId);
      const mismatch =
        trailer.frames !== seen.frames ||
        trailer.conversations !== seen.conversations.size ||
        trailer.messages !== seen.messages ||
        trailer.consent !== seen.consent;
      if (mismatch)
        throw new BackupError(
          "malformed",
          `the backup says it holds ${trailer.messages} messages in ${trailer.frames} parts; ${seen.messages} in ${seen.frames} were found`,
        );
      yield { trailer, offset: frame.offset };
      return;
    }
    let archive: HistoryArchive;
    try {
      archive = validateArchive(frame.value, inboxId);
    } catch (err) {
      if (err instanceof HistoryError && err.code === "wrong_inbox")
        throw wrongInbox((frame.value as { inboxId?: string }).inboxId ?? "?", inboxId);
      throw new BackupError("malformed", `part ${frame.index + 1}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    seen.frames++;
    for (const c of archive.conversations) seen.conversations.add(c.id);
    seen.messages += archive.messages.length;
    seen.consent += archive.consent.length;
    yield { archive, offset: frame.offset };
  }
}

function wrongInbox(theirs: string, ours: string): BackupError {
  return new BackupError(
    "wrong_inbox",
    `this backup belongs to another inbox (${theirs.slice(0, 10)}…), not this one (${ours.slice(0, 10)}…): connect the wallet that made it`,
  );
}

/**
 * Restores a backup into this installation's database; safe to repeat (nothing already here
 * is overwritten, field by field, as for history sync). Every frame is checked before the
 * first is stored.
 */
export async function restoreBackup(
  target: RestoreTarget,
  file: Blob,
  passphrase: string,
  opts: { onProgress?: (p: BackupProgress) => void } = {},
): Promise<RestoreSummary> {
  if (!(file instanceof Blob)) throw new BackupError("not_a_backup", "choose a backup file");
  const progress = opts.onProgress;
  const inboxId = target.inboxId.toLowerCase();
  const { key, header } = await openKey(file, passphrase, progress);
  let trailer: BackupTrailer | undefined;
  for await (const f of checkedFrames(file, key, header, inboxId)) {
    trailer = f.trailer ?? trailer;
    progress?.({ phase: "checking", fraction: f.offset / file.size });
  }
  const summary: RestoreSummary = {
    conversations: trailer!.conversations,
    messages: trailer!.messages,
    consent: trailer!.consent,
    newConversations: 0,
    newMessages: 0,
  };
  for await (const f of checkedFrames(file, key, header, inboxId)) {
    if (f.archive) {
      const counts = await importArchive(target.db, f.archive, target.applyConsent);
      summary.newConversations += counts.conversations;
      summary.newMessages += counts.messages;
    }
    progress?.({ phase: "restoring", fraction: f.offset / file.size });
  }
  if (trailer!.prefs.length)
    await mergeConversationPrefs(
      target.db,
      trailer!.prefs.map((p) => ({ key: p.key, field: p.field, on: p.on, atNs: BigInt(p.atNs) })),
    );
  if (trailer!.mutes.length) await target.mergeMutes?.(trailer!.mutes);
  return summary;
}
