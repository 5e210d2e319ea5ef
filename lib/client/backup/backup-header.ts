// The backup file's header: what is needed to turn the passphrase into the key, in a small
// versioned binary layout. It travels in clear (it must, to derive the key) and is the
// associated data of every frame, so changing any byte of it makes the file refuse to open.
//
//   offset size
//   0      6    magic "MSGBAK"
//   6      1    format version (1)
//   7      1    KDF (1 = argon2id, RFC 9106, version 0x13)
//   8      4    m: memory in KiB, big-endian
//   12     4    t: passes, big-endian
//   16     1    p: lanes
//   17     16   salt (random per file)
//   33     16   check: HKDF(master, "backup check"), tells a wrong passphrase from damage
//   49          end
import { argon2id, hkdfSha256, importAesKey, randomBytes, utf8 } from "../../crypto";
import { BackupError } from "./backup-error";

export const BACKUP_MAGIC = "MSGBAK";
export const BACKUP_VERSION = 1;
export const KDF_ARGON2ID = 1;
export const HEADER_BYTES = 49;

export interface KdfParams {
  /** Memory in KiB. */
  m: number;
  /** Passes over memory. */
  t: number;
  /** Lanes. */
  p: number;
}

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~1–2 s in a browser here. */
export const DEFAULT_KDF: KdfParams = { m: 19_456, t: 2, p: 1 };

/**
 * What a file may ask for. Below: weaker than any file this app writes. Above: a hostile
 * file could make the browser allocate gigabytes or spin for minutes before failing.
 */
export const KDF_BOUNDS = {
  m: { min: 19_456, max: 262_144 }, // 19 MiB .. 256 MiB
  t: { min: 2, max: 10 },
  p: { min: 1, max: 4 },
} as const;

export interface BackupHeader {
  version: number;
  kdf: KdfParams;
  salt: Uint8Array;
  check: Uint8Array;
  /** The header's exact bytes (associated data of every frame). */
  bytes: Uint8Array;
}

export interface BackupKey {
  key: CryptoKey;
  check: Uint8Array;
}

/** Refuses parameters outside KDF_BOUNDS, naming the field and the allowed range. */
export function checkKdfParams(kdf: KdfParams): void {
  for (const f of ["m", "t", "p"] as const) {
    const v = kdf[f];
    const { min, max } = KDF_BOUNDS[f];
    if (!Number.isSafeInteger(v) || v < min || v > max)
      throw new BackupError(
        "bad_kdf_params",
        `the file asks for argon2id ${f}=${v}, outside the accepted ${min}..${max}: it was not made by this app, or was changed`,
      );
  }
}

/** Reads and checks a header; throws BackupError naming what is wrong. */
export function decodeHeader(bytes: Uint8Array): BackupHeader {
  if (bytes.length === 0) throw new BackupError("not_a_backup", "the file is empty");
  const magic = String.fromCharCode(...bytes.subarray(0, 6));
  if (!BACKUP_MAGIC.startsWith(magic))
    throw new BackupError("not_a_backup", "this is not a messenger backup file");
  if (bytes.length < HEADER_BYTES)
    throw new BackupError(
      "truncated",
      `the file ends inside its header (${bytes.length} of ${HEADER_BYTES} bytes)`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const version = bytes[6]!;
  if (version !== BACKUP_VERSION)
    throw new BackupError(
      "unsupported_version",
      `the backup is format version ${version}; this app reads version ${BACKUP_VERSION}`,
    );
  if (bytes[7] !== KDF_ARGON2ID)
    throw new BackupError("bad_kdf_params", `unknown key derivation ${bytes[7]} (1 = argon2id)`);
  const kdf = { m: view.getUint32(8), t: view.getUint32(12), p: bytes[16]! };
  checkKdfParams(kdf);
  return {
    version,
    kdf,
    salt: bytes.slice(17, 33),
    check: bytes.slice(33, 49),
    bytes: bytes.slice(0, HEADER_BYTES),
  };
}

export function encodeHeader(kdf: KdfParams, salt: Uint8Array, check: Uint8Array): Uint8Array {
  checkKdfParams(kdf);
  if (salt.length !== 16 || check.length !== 16) throw new TypeError("salt and check: 16 bytes");
  const out = new Uint8Array(HEADER_BYTES);
  out.set(utf8(BACKUP_MAGIC), 0);
  out[6] = BACKUP_VERSION;
  out[7] = KDF_ARGON2ID;
  const view = new DataView(out.buffer);
  view.setUint32(8, kdf.m);
  view.setUint32(12, kdf.t);
  out[16] = kdf.p;
  out.set(salt, 17);
  out.set(check, 33);
  return out;
}

/**
 * Passphrase → argon2id master (32 bytes) → HKDF-SHA256 into the AES-256-GCM key and the
 * 16-byte check. `onProgress` gets 0..1 while argon2id runs (it yields to the event loop).
 */
export async function deriveBackupKey(
  passphrase: string,
  salt: Uint8Array,
  kdf: KdfParams,
  onProgress?: (fraction: number) => void,
): Promise<BackupKey> {
  checkKdfParams(kdf);
  const master = await argon2id(utf8(passphrase.normalize("NFC")), salt, kdf, 32, onProgress);
  const raw = hkdfSha256(master, salt, utf8("messenger backup key v1"), 32);
  const check = hkdfSha256(master, salt, utf8("messenger backup check v1"), 16);
  master.fill(0);
  const key = await importAesKey(raw);
  raw.fill(0);
  return { key, check };
}

/** A fresh salt and the header for it (the key is derived once, here). */
export async function newBackupKey(
  passphrase: string,
  kdf: KdfParams = DEFAULT_KDF,
  onProgress?: (fraction: number) => void,
): Promise<{ header: BackupHeader; key: CryptoKey }> {
  const salt = randomBytes(16);
  const { key, check } = await deriveBackupKey(passphrase, salt, kdf, onProgress);
  const bytes = encodeHeader(kdf, salt, check);
  return { header: { version: BACKUP_VERSION, kdf, salt, check, bytes }, key };
}
