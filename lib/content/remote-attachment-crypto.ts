// Encryption, download and decryption of remote attachments (compat: libxmtp
// crates/xmtp_content_types/src/encryption.rs, xmtp-js RemoteAttachmentCodec):
//   key = HKDF-SHA256(ikm = secret, salt, info = empty, 32 bytes)
//   payload = AES-256-GCM(key, nonce, EncodedContent(attachment:1.0)), no AAD; ciphertext‖tag
//   contentDigest = hex SHA-256(payload)
// The digest (and length) are checked before any decryption is attempted.

import { aesGcmDecrypt, aesGcmEncrypt, hkdfSha256, randomBytes, sha256, toHex } from "../crypto";
import {
  attachmentCodec,
  ContentTypeAttachment,
  encodeAttachmentContent,
  type Attachment,
} from "./attachment";
import { codecKey, contentTypeToString } from "./content-type";
import { decodeEncodedContent, encodeEncodedContent } from "./encoded-content";
import { ContentError } from "./errors";
import { checkByteLength, malformed } from "./params";
import {
  checkRemoteAttachmentUrl,
  REMOTE_ATTACHMENT_NONCE_BYTES,
  REMOTE_ATTACHMENT_SALT_BYTES,
  REMOTE_ATTACHMENT_SCHEME,
  REMOTE_ATTACHMENT_SECRET_BYTES,
  type RemoteAttachment,
} from "./remote-attachment";

const WHERE = "remote attachment";
const NO_INFO = new Uint8Array(0);

export interface EncryptedAttachment {
  /** ciphertext‖tag: the bytes to upload. */
  payload: Uint8Array;
  secret: Uint8Array;
  salt: Uint8Array;
  nonce: Uint8Array;
  /** Hex SHA-256 of `payload`. */
  contentDigest: string;
  /** `payload.length`. */
  contentLength: number;
}

/** What decryption needs from a RemoteAttachment. */
export type RemoteAttachmentKeys = Pick<
  RemoteAttachment,
  "contentDigest" | "salt" | "nonce" | "secret" | "contentLength"
>;

function deriveKey(secret: Uint8Array, salt: Uint8Array): Uint8Array {
  return hkdfSha256(secret, salt, NO_INFO, 32);
}

/** Encrypts the attachment:1.0 encoding of `attachment` under a fresh secret, salt and nonce. */
export async function encryptAttachment(attachment: Attachment): Promise<EncryptedAttachment> {
  const plaintext = encodeEncodedContent(encodeAttachmentContent(attachment));
  const secret = randomBytes(REMOTE_ATTACHMENT_SECRET_BYTES);
  const salt = randomBytes(REMOTE_ATTACHMENT_SALT_BYTES);
  const nonce = randomBytes(REMOTE_ATTACHMENT_NONCE_BYTES);
  const payload = await aesGcmEncrypt(deriveKey(secret, salt), nonce, plaintext);
  return {
    payload,
    secret,
    salt,
    nonce,
    contentDigest: toHex(sha256(payload)),
    contentLength: payload.length,
  };
}

/** The remoteStaticAttachment:1.0 content for a payload uploaded to `url`. */
export function remoteAttachmentFor(
  encrypted: EncryptedAttachment,
  url: string,
  filename?: string,
): RemoteAttachment {
  const out: RemoteAttachment = {
    url,
    contentDigest: encrypted.contentDigest,
    salt: encrypted.salt,
    nonce: encrypted.nonce,
    secret: encrypted.secret,
    scheme: REMOTE_ATTACHMENT_SCHEME,
    contentLength: encrypted.contentLength,
  };
  if (filename !== undefined) out.filename = filename;
  return out;
}

/** Checks length and digest, then decrypts and decodes the attachment inside. */
export async function decryptRemoteAttachment(
  keys: RemoteAttachmentKeys,
  payload: Uint8Array,
): Promise<Attachment> {
  checkByteLength(keys.secret, "secret", WHERE, REMOTE_ATTACHMENT_SECRET_BYTES);
  checkByteLength(keys.salt, "salt", WHERE, REMOTE_ATTACHMENT_SALT_BYTES);
  checkByteLength(keys.nonce, "nonce", WHERE, REMOTE_ATTACHMENT_NONCE_BYTES);
  if (keys.contentLength !== undefined && payload.length !== keys.contentLength) {
    throw new ContentError(
      "length_mismatch",
      `${WHERE}: payload is ${payload.length} bytes, contentLength says ${keys.contentLength}`,
    );
  }
  const digest = toHex(sha256(payload));
  if (digest !== keys.contentDigest.toLowerCase()) {
    throw new ContentError(
      "digest_mismatch",
      `${WHERE}: payload SHA-256 is ${digest}, contentDigest says ${keys.contentDigest}`,
    );
  }
  let plaintext: Uint8Array;
  try {
    plaintext = await aesGcmDecrypt(deriveKey(keys.secret, keys.salt), keys.nonce, payload);
  } catch (cause) {
    throw new ContentError(
      "decrypt_failed",
      `${WHERE}: payload matches its digest but does not decrypt with the given secret/salt/nonce`,
      { cause },
    );
  }
  const encoded = decodeEncodedContent(plaintext);
  if (codecKey(encoded.type) !== codecKey(ContentTypeAttachment)) {
    throw malformed(
      `${WHERE}: payload holds ${contentTypeToString(encoded.type)}, expected xmtp.org/attachment:1.0`,
    );
  }
  if (encoded.compression !== undefined) {
    throw malformed(`${WHERE}: compressed attachment payloads are not supported`);
  }
  return attachmentCodec.decode(encoded);
}

export interface LoadRemoteAttachmentOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Largest payload accepted, in bytes; the download stops as soon as it is exceeded. */
  maxBytes: number;
  /** Allows plain http to localhost / 127.0.0.1 / [::1] (local development only). */
  allowInsecure?: boolean;
  signal?: AbortSignal;
}

function fetchFailed(url: string, what: string, cause?: unknown): ContentError {
  return new ContentError(
    "fetch_failed",
    `${WHERE}: GET ${url} ${what}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Downloads (https only), bounds, verifies and decrypts a remote attachment. */
export async function loadRemoteAttachment(
  remote: RemoteAttachment,
  opts: LoadRemoteAttachmentOptions,
): Promise<Attachment> {
  const allowInsecure = opts.allowInsecure ?? false;
  checkRemoteAttachmentUrl(remote.url, allowInsecure);
  const { maxBytes } = opts;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new TypeError(`maxBytes must be a non-negative integer, got ${String(maxBytes)}`);
  }
  const declared = remote.contentLength;
  if (declared !== undefined && declared > maxBytes) {
    throw new ContentError(
      "too_large",
      `${WHERE}: contentLength ${declared} exceeds the ${maxBytes}-byte limit`,
    );
  }

  const doFetch = opts.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await doFetch(remote.url, {
      method: "GET",
      credentials: "omit",
      referrerPolicy: "no-referrer",
      redirect: "follow",
      signal: opts.signal,
    });
  } catch (cause) {
    throw fetchFailed(remote.url, `failed: ${(cause as Error).message}`, cause);
  }
  // A redirect must not take us off https either.
  if (response.url) checkRemoteAttachmentUrl(response.url, allowInsecure);
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw fetchFailed(remote.url, `answered HTTP ${response.status}`);
  }

  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  try {
    for (;;) {
      if (!reader) break;
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        throw new ContentError(
          "too_large",
          `${WHERE}: body exceeds the ${maxBytes}-byte limit (got ${total} bytes so far)`,
        );
      }
      if (declared !== undefined && total > declared) {
        throw new ContentError(
          "length_mismatch",
          `${WHERE}: body is longer than contentLength ${declared} (got ${total} bytes so far)`,
        );
      }
      chunks.push(value);
    }
  } catch (cause) {
    await reader?.cancel().catch(() => undefined);
    if (cause instanceof ContentError) throw cause;
    throw fetchFailed(
      remote.url,
      `body failed after ${total} bytes: ${(cause as Error).message}`,
      cause,
    );
  }
  if (declared !== undefined && total !== declared) {
    throw new ContentError(
      "length_mismatch",
      `${WHERE}: body is ${total} bytes, contentLength says ${declared}`,
    );
  }
  const payload = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    payload.set(c, at);
    at += c.length;
  }
  return decryptRemoteAttachment(remote, payload);
}
