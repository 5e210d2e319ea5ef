// Sealing: AES-256-GCM under the database's data key, a fresh 12-byte nonce per seal, and AAD
// naming the record's purpose so a sealed blob moved to another row (or another group/epoch)
// no longer opens. The data key itself is wrapped (data-key.ts): by the non-extractable device
// key, or, with sign to unlock, by a key only a wallet signature re-derives.

import type { Table } from "dexie";
import {
  loadOrCreateDataKey,
  readKeyRecords,
  rewrapDataKey,
  unlockWithSignature,
  type UnlockStatus,
  unlockStatus,
} from "./data-key";
import { toHex } from "../crypto";
import type { SecretRow } from "./schema";
import { openWith, sealWith, type OpenFn, type SealFn } from "./seal-blob";

/**
 * Unlocked data keys of this tab (JavaScript memory only; a reload forgets them): a new
 * handle on the same database — the app opens one per screen — finds its key here instead of
 * asking the wallet again. Keyed by database name and the stored wrapping's nonce, so a
 * re-wrap elsewhere is noticed.
 */
const unlockedThisTab = new Map<string, { nonce: string; key: CryptoKey; wrapper: CryptoKey }>();

/** What a reload does: every unlocked key of this tab (or of one database) is forgotten. */
export function forgetUnlockedKeys(dbName?: string): void {
  if (dbName === undefined) unlockedThisTab.clear();
  else unlockedThisTab.delete(dbName);
}

export class Sealer {
  private key: Promise<CryptoKey> | undefined;
  /** While unlocked by signature: the derived wrapper, so the mode can be turned off unsigned. */
  private signatureWrapper: CryptoKey | undefined;

  constructor(private readonly secrets: Table<SecretRow, string>) {}

  /** The data key; throws `store_locked` when sign to unlock is on and no signature was given. */
  dataKey(): Promise<CryptoKey> {
    this.key ??= this.load().catch((e: unknown) => {
      this.key = undefined;
      throw e;
    });
    return this.key;
  }

  private async load(): Promise<CryptoKey> {
    const read = await readKeyRecords(this.secrets);
    const cached = unlockedThisTab.get(this.secrets.db.name);
    if (read.data?.mode === "signature" && cached?.nonce === toHex(read.data.wrapped.nonce)) {
      this.signatureWrapper = cached.wrapper;
      return cached.key;
    }
    return loadOrCreateDataKey(this.secrets, read);
  }

  /** Forget the cached keys (after clearAll), this tab's unlocked key included. */
  reset(): void {
    this.key = undefined;
    this.signatureWrapper = undefined;
    unlockedThisTab.delete(this.secrets.db.name);
  }

  private remember(key: CryptoKey, wrapper: CryptoKey | undefined, nonce?: string): void {
    if (wrapper && nonce) unlockedThisTab.set(this.secrets.db.name, { nonce, key, wrapper });
    else unlockedThisTab.delete(this.secrets.db.name);
  }

  seal: SealFn = async (purpose, plaintext) => sealWith(await this.dataKey(), purpose, plaintext);

  open: OpenFn = async (purpose, blob) => openWith(await this.dataKey(), purpose, blob);

  /** Whether sign to unlock is on, whether this handle is still locked, and the text to sign. */
  async status(): Promise<UnlockStatus> {
    const { nonce: _nonce, ...s } = await unlockStatus(this.secrets);
    if (s.mode !== "signature") return s;
    const cached = unlockedThisTab.get(this.secrets.db.name);
    return this.signatureWrapper || cached?.nonce === _nonce ? { ...s, locked: false } : s;
  }

  /** Opens the data key with the wallet's signature of `status().text`. */
  async unlock(signature: Uint8Array): Promise<void> {
    const { key, wrapper } = await unlockWithSignature(this.secrets, signature);
    this.signatureWrapper = wrapper;
    this.key = Promise.resolve(key);
    this.remember(key, wrapper, (await unlockStatus(this.secrets)).nonce);
  }

  /**
   * Wraps the data key under HKDF(signature, salt) (sign to unlock on) or back under the device
   * key (off). No record is re-encrypted: only the 32-byte data key changes wrapping.
   */
  async rewrap(
    to: { mode: "device" } | { mode: "signature"; challenge: string; signature: Uint8Array },
  ): Promise<void> {
    const key = await this.dataKey(); // must be unlocked to re-wrap
    const wrapper = await rewrapDataKey(this.secrets, this.signatureWrapper, to);
    this.signatureWrapper = wrapper;
    this.remember(key, wrapper, (await unlockStatus(this.secrets)).nonce);
  }
}
