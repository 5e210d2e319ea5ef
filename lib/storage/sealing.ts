// Sealing: AES-256-GCM under the database's non-extractable wrapping key, a fresh 12-byte
// nonce per seal, and AAD naming the record's purpose so a sealed blob moved to another row
// (or another group/epoch) no longer opens.

import type { Table } from "dexie";
import { aesGcmDecrypt, aesGcmEncrypt, generateWrappingKey, randomBytes, utf8 } from "../crypto";
import { StorageError } from "./errors";
import type { SealedBlob, SecretRow } from "./schema";

const AAD_PREFIX = "messenger/sealed/v1:";

export class Sealer {
  private key: Promise<CryptoKey> | undefined;

  constructor(private readonly secrets: Table<SecretRow, string>) {}

  /** The wrapping key, created on first use and then the same for the life of the database. */
  wrappingKey(): Promise<CryptoKey> {
    this.key ??= this.loadOrCreate().catch((e: unknown) => {
      this.key = undefined;
      throw e;
    });
    return this.key;
  }

  /** Forget the cached key (after clearAll). */
  reset(): void {
    this.key = undefined;
  }

  async seal(purpose: string, plaintext: Uint8Array): Promise<SealedBlob> {
    const nonce = randomBytes(12);
    const ct = await aesGcmEncrypt(
      await this.wrappingKey(),
      nonce,
      plaintext,
      utf8(AAD_PREFIX + purpose),
    );
    return { v: 1, nonce, ct };
  }

  async open(purpose: string, blob: SealedBlob | undefined): Promise<Uint8Array> {
    if (
      !blob ||
      blob.v !== 1 ||
      !(blob.nonce instanceof Uint8Array) ||
      blob.nonce.length !== 12 ||
      !(blob.ct instanceof Uint8Array)
    ) {
      throw new StorageError(
        "sealed_record_corrupt",
        `sealed record "${purpose}" is missing or malformed`,
      );
    }
    try {
      return await aesGcmDecrypt(
        await this.wrappingKey(),
        blob.nonce,
        blob.ct,
        utf8(AAD_PREFIX + purpose),
      );
    } catch (cause) {
      throw new StorageError(
        "sealed_record_corrupt",
        `sealed record "${purpose}" failed authentication (tampered, moved, or sealed under another key)`,
        { cause },
      );
    }
  }

  private async loadOrCreate(): Promise<CryptoKey> {
    const existing = await this.secrets.get("wrapping_key");
    if (existing) return existing.key;
    // WebCrypto is not IndexedDB: generate outside the transaction, then insert-if-absent
    // inside one so two tabs racing here still end up with a single key.
    const fresh = await generateWrappingKey();
    const db = this.secrets.db;
    return db.transaction("rw", this.secrets, async () => {
      const row = await this.secrets.get("wrapping_key");
      if (row) return row.key;
      await this.secrets.add({ id: "wrapping_key", key: fresh, createdAt: Date.now() });
      return fresh;
    });
  }
}
