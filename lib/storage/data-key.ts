// The data key and its wrapping (PROTOCOL §6). Every sealed record is under one AES-256 data
// key; its 32 raw bytes are stored sealed under either the non-extractable device key (default:
// a reload needs nothing) or HKDF-SHA256(wallet signature, 32-byte salt, empty info) ("sign to
// unlock": opening needs the wallet). Switching modes re-wraps these 32 bytes, never the rows.

import type { Table } from "dexie";
import { generateWrappingKey, importAesKey, randomBytes, toHex } from "../crypto";
import { StorageError } from "./errors";
import type { DataKeyRow, DeviceKeyRow, SecretRow, UnlockMode } from "./schema";
import { openWith, sealWith } from "./seal-blob";

/** The exact text the wallet signs to unlock (XMTP's "Enable Identity" text). */
export function unlockText(challenge: string): string {
  return `XMTP : Enable Identity\n${challenge}\n\nFor more info: https://xmtp.org/signatures/`;
}

export interface UnlockStatus {
  mode: UnlockMode;
  /** True while sign to unlock is on and this handle holds no data key yet. */
  locked: boolean;
  /** Sign to unlock only: what the wallet must sign. */
  text?: string;
  /** Identifies the current wrapping (hex of its nonce); changes with every re-wrap. */
  nonce?: string;
}

const CHALLENGE_RE = /^[0-9a-f]{64}$/;
const wrapPurpose = (mode: UnlockMode, challenge?: string) =>
  mode === "device" ? "data_key:device" : `data_key:signature:${challenge}`;

/** HKDF-SHA256(signature, salt, empty info) → non-extractable AES-256-GCM. */
export async function signatureWrapper(
  signature: Uint8Array,
  salt: Uint8Array,
): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey("raw", signature.slice(), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: salt.slice(), info: new Uint8Array(0) },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

async function dataKeyRow(secrets: Table<SecretRow, string>): Promise<DataKeyRow | undefined> {
  const row = await secrets.get("data_key");
  if (!row) return undefined;
  if (
    row.id !== "data_key" ||
    (row.mode === "signature" && !CHALLENGE_RE.test(row.challenge ?? ""))
  )
    throw new StorageError("sealed_record_corrupt", "the stored data key record is malformed");
  return row;
}

/** The device key, created on first use (insert-if-absent, so racing tabs share one). */
export async function deviceKey(secrets: Table<SecretRow, string>): Promise<CryptoKey> {
  const existing = (await secrets.get("wrapping_key")) as DeviceKeyRow | undefined;
  if (existing) return existing.key;
  const fresh = await generateWrappingKey();
  return secrets.db.transaction("rw", secrets, async () => {
    const row = (await secrets.get("wrapping_key")) as DeviceKeyRow | undefined;
    if (row) return row.key;
    await secrets.add({ id: "wrapping_key", key: fresh, createdAt: Date.now() });
    return fresh;
  });
}

/** Seals fresh data-key bytes under the device key: the record a new database starts with. */
export async function newDataKeyRow(
  device: CryptoKey,
): Promise<{ row: DataKeyRow; key: CryptoKey }> {
  const raw = randomBytes(32);
  try {
    const wrapped = await sealWith(device, wrapPurpose("device"), raw);
    const row: DataKeyRow = { id: "data_key", mode: "device", wrapped, createdAt: Date.now() };
    return { row, key: await importAesKey(raw) };
  } finally {
    raw.fill(0);
  }
}

async function importRaw(raw: Uint8Array): Promise<CryptoKey> {
  try {
    return await importAesKey(raw); // non-extractable: the bytes never leave WebCrypto again
  } finally {
    raw.fill(0);
  }
}

function lockedError(): StorageError {
  return new StorageError(
    "store_locked",
    "sign to unlock is on: this database opens only with the wallet's signature",
  );
}

/** Both key records in one read (the cold-open path). */
export async function readKeyRecords(secrets: Table<SecretRow, string>) {
  const [data, device] = await secrets.bulkGet(["data_key", "wrapping_key"]);
  if (
    data &&
    (data.id !== "data_key" ||
      (data.mode === "signature" && !CHALLENGE_RE.test(data.challenge ?? "")))
  )
    throw new StorageError("sealed_record_corrupt", "the stored data key record is malformed");
  return {
    data: data as DataKeyRow | undefined,
    device: (device as DeviceKeyRow | undefined)?.key,
  };
}

export async function loadOrCreateDataKey(
  secrets: Table<SecretRow, string>,
  read?: Awaited<ReturnType<typeof readKeyRecords>>,
): Promise<CryptoKey> {
  const { data: row, device } = read ?? (await readKeyRecords(secrets));
  if (row) {
    if (row.mode === "signature") throw lockedError();
    const wrapper = device ?? (await deviceKey(secrets));
    return importRaw(await openWith(wrapper, wrapPurpose("device"), row.wrapped));
  }
  const fresh = await newDataKeyRow(await deviceKey(secrets));
  const winner = await secrets.db.transaction("rw", secrets, async () => {
    const raced = await secrets.get("data_key");
    if (raced) return true;
    await secrets.add(fresh.row);
    return false;
  });
  return winner ? loadOrCreateDataKey(secrets) : fresh.key;
}

export async function unlockStatus(secrets: Table<SecretRow, string>): Promise<UnlockStatus> {
  const row = await dataKeyRow(secrets);
  if (row?.mode !== "signature") return { mode: "device", locked: false };
  const nonce = toHex(row.wrapped.nonce);
  return { mode: "signature", locked: true, text: unlockText(row.challenge!), nonce };
}

export async function unlockWithSignature(
  secrets: Table<SecretRow, string>,
  signature: Uint8Array,
): Promise<{ key: CryptoKey; wrapper: CryptoKey }> {
  const row = await dataKeyRow(secrets);
  if (row?.mode !== "signature" || !row.salt)
    throw new StorageError("invalid_argument", "sign to unlock is not on for this database");
  const wrapper = await signatureWrapper(signature, row.salt);
  let raw: Uint8Array;
  try {
    raw = await openWith(wrapper, wrapPurpose("signature", row.challenge), row.wrapped);
  } catch (cause) {
    throw new StorageError(
      "unlock_failed",
      "this signature does not unlock the database: sign with the wallet that turned sign to unlock on",
      { cause },
    );
  }
  return { key: await importRaw(raw), wrapper };
}

/**
 * Re-wraps the data key for `to`. `signatureWrapper` is the current wrapper when the mode is
 * "signature" (kept by the Sealer after unlocking). Returns the new signature wrapper, if any.
 * Refuses if another tab re-wrapped in between (compare-and-swap on the stored nonce).
 */
export async function rewrapDataKey(
  secrets: Table<SecretRow, string>,
  current: CryptoKey | undefined,
  to: { mode: "device" } | { mode: "signature"; challenge: string; signature: Uint8Array },
): Promise<CryptoKey | undefined> {
  const row = await dataKeyRow(secrets);
  if (!row) throw new StorageError("not_found", "this database has no data key yet");
  const from = row.mode === "device" ? await deviceKey(secrets) : current;
  if (!from) throw lockedError();
  if (to.mode === "signature" && !CHALLENGE_RE.test(to.challenge))
    throw new StorageError("invalid_argument", "the unlock challenge must be 32 bytes of hex");
  const raw = await openWith(from, wrapPurpose(row.mode, row.challenge), row.wrapped);
  let next: DataKeyRow;
  let wrapper: CryptoKey | undefined;
  try {
    if (to.mode === "device") {
      const wrapped = await sealWith(await deviceKey(secrets), wrapPurpose("device"), raw);
      next = { id: "data_key", mode: "device", wrapped, createdAt: row.createdAt };
    } else {
      const salt = randomBytes(32);
      wrapper = await signatureWrapper(to.signature, salt);
      const wrapped = await sealWith(wrapper, wrapPurpose("signature", to.challenge), raw);
      next = {
        id: "data_key",
        mode: "signature",
        wrapped,
        challenge: to.challenge,
        salt,
        createdAt: row.createdAt,
      };
    }
  } finally {
    raw.fill(0);
  }
  await secrets.db.transaction("rw", secrets, async () => {
    const now = await dataKeyRow(secrets);
    if (!now || !sameBytes(now.wrapped.nonce, row.wrapped.nonce))
      throw new StorageError(
        "invalid_argument",
        "sign to unlock was changed in another tab: reload and try again",
      );
    await secrets.put(next);
  });
  return wrapper;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
