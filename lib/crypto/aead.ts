// AES-256-GCM through WebCrypto (browser and Node 24 alike).

const AES_GCM = "AES-GCM";
export const GCM_NONCE_BYTES = 12;

function buf(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

/** A key that can encrypt and decrypt but can never be read back out (keys at rest). */
export function generateWrappingKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: AES_GCM, length: 256 }, false, ["encrypt", "decrypt"]);
}

export function importAesKey(raw: Uint8Array, extractable = false): Promise<CryptoKey> {
  if (raw.length !== 32) throw new TypeError(`AES-256 key must be 32 bytes, got ${raw.length}`);
  return crypto.subtle.importKey("raw", buf(raw), AES_GCM, extractable, ["encrypt", "decrypt"]);
}

async function asKey(key: CryptoKey | Uint8Array): Promise<CryptoKey> {
  return key instanceof Uint8Array ? importAesKey(key) : key;
}

/** Returns ciphertext || 16-byte tag. */
export async function aesGcmEncrypt(
  key: CryptoKey | Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad?: Uint8Array,
): Promise<Uint8Array> {
  if (nonce.length !== GCM_NONCE_BYTES)
    throw new TypeError(`nonce must be 12 bytes, got ${nonce.length}`);
  const params: AesGcmParams = { name: AES_GCM, iv: buf(nonce) };
  if (aad) params.additionalData = buf(aad);
  return new Uint8Array(await crypto.subtle.encrypt(params, await asKey(key), buf(plaintext)));
}

/** Throws (OperationError) when the tag does not verify. */
export async function aesGcmDecrypt(
  key: CryptoKey | Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  aad?: Uint8Array,
): Promise<Uint8Array> {
  if (nonce.length !== GCM_NONCE_BYTES)
    throw new TypeError(`nonce must be 12 bytes, got ${nonce.length}`);
  const params: AesGcmParams = { name: AES_GCM, iv: buf(nonce) };
  if (aad) params.additionalData = buf(aad);
  return new Uint8Array(await crypto.subtle.decrypt(params, await asKey(key), buf(ciphertext)));
}
