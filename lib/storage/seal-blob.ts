// One sealed blob: AES-256-GCM, a fresh 12-byte nonce per seal, AAD = prefix + purpose.

import { aesGcmDecrypt, aesGcmEncrypt, randomBytes, utf8 } from "../crypto";
import { StorageError } from "./errors";
import type { SealedBlob } from "./schema";

const AAD_PREFIX = "messenger/sealed/v1:";

export type SealFn = (purpose: string, plaintext: Uint8Array) => Promise<SealedBlob>;
export type OpenFn = (purpose: string, blob: SealedBlob | undefined) => Promise<Uint8Array>;

export async function sealWith(
  key: CryptoKey,
  purpose: string,
  plaintext: Uint8Array,
): Promise<SealedBlob> {
  const nonce = randomBytes(12);
  const ct = await aesGcmEncrypt(key, nonce, plaintext, utf8(AAD_PREFIX + purpose));
  return { v: 1, nonce, ct };
}

export async function openWith(
  key: CryptoKey,
  purpose: string,
  blob: SealedBlob | undefined,
): Promise<Uint8Array> {
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
    return await aesGcmDecrypt(key, blob.nonce, blob.ct, utf8(AAD_PREFIX + purpose));
  } catch (cause) {
    throw new StorageError(
      "sealed_record_corrupt",
      `sealed record "${purpose}" failed authentication (tampered, moved, or sealed under another key)`,
      { cause },
    );
  }
}
