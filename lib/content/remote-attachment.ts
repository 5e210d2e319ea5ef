// xmtp.org/remoteStaticAttachment:1.0: an encrypted file stored off-network. Content = the
// URL (UTF-8); params (xmtp-js order): contentDigest (hex SHA-256 of the encrypted payload),
// salt (32 B), nonce (12 B), secret (32 B) as hex without 0x, scheme, then the optional
// contentLength (decimal bytes of the payload) and filename. Encryption and download live in
// remote-attachment-crypto.ts.

import { toHex, utf8 } from "../crypto";
import type { ContentCodec } from "./codec";
import type { ContentTypeId } from "./content-type";
import { ContentError } from "./errors";
import {
  checkByteLength,
  checkString,
  hexBytes,
  malformed,
  requiredParam,
  utf8Content,
} from "./params";

export const ContentTypeRemoteAttachment: ContentTypeId = Object.freeze({
  authorityId: "xmtp.org",
  typeId: "remoteStaticAttachment",
  versionMajor: 1,
  versionMinor: 0,
});

export const REMOTE_ATTACHMENT_SECRET_BYTES = 32;
export const REMOTE_ATTACHMENT_SALT_BYTES = 32;
export const REMOTE_ATTACHMENT_NONCE_BYTES = 12;
/** What xmtp-js documents for `scheme`; libxmtp's fixtures also carry "https". */
export const REMOTE_ATTACHMENT_SCHEME = "https://";

export interface RemoteAttachment {
  url: string;
  /** Hex SHA-256 of the encrypted payload (64 hex digits). */
  contentDigest: string;
  salt: Uint8Array;
  nonce: Uint8Array;
  secret: Uint8Array;
  scheme: string;
  /** Byte length of the encrypted payload, when the sender gave it. */
  contentLength?: number;
  /** Data, never markup: the UI must escape it. */
  filename?: string;
}

const WHERE = "remoteStaticAttachment:1.0";
const DIGEST_RE = /^[0-9a-fA-F]{64}$/;
const DECIMAL_RE = /^\d{1,15}$/;
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * https is always allowed; plain http only to a loopback host and only when `allowInsecure`
 * (local development). Anything else (http elsewhere, file:, data:, …) is refused.
 */
export function checkRemoteAttachmentUrl(url: string, allowInsecure = false): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw malformed(
      `remote attachment URL ${JSON.stringify(url.slice(0, 200))} is not a URL`,
      cause,
    );
  }
  if (parsed.protocol === "https:") return parsed;
  if (parsed.protocol === "http:" && allowInsecure && LOOPBACK_HOSTS.has(parsed.hostname)) {
    return parsed;
  }
  throw new ContentError(
    "insecure_url",
    `remote attachment URL must be https${allowInsecure ? " (or http to localhost)" : ""}, got ${JSON.stringify(url.slice(0, 200))}`,
  );
}

/** 64 hex digits; `where` names the content type (and item) in the error. */
export function checkContentDigest(digest: unknown, where: string = WHERE): string {
  const d = checkString(digest, "contentDigest", where);
  if (!DIGEST_RE.test(d)) {
    throw malformed(
      `${where}: contentDigest must be 64 hex digits (SHA-256), got ${JSON.stringify(d.slice(0, 80))}`,
    );
  }
  return d;
}

function keyHex(value: unknown, name: string, bytes: number): string {
  checkByteLength(value, name, WHERE, bytes);
  return toHex(value);
}

export function checkContentLength(n: unknown, where: string = WHERE): number {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw malformed(`${where}: contentLength must be a non-negative integer, got ${String(n)}`);
  }
  return n;
}

export const remoteAttachmentCodec: ContentCodec<RemoteAttachment> = {
  contentType: ContentTypeRemoteAttachment,
  encode(r) {
    const url = checkString(r.url, "url", WHERE, true);
    // Sending: https, or http to localhost for local development.
    checkRemoteAttachmentUrl(url, true);
    const parameters: Record<string, string> = {
      contentDigest: checkContentDigest(r.contentDigest),
      salt: keyHex(r.salt, "salt", REMOTE_ATTACHMENT_SALT_BYTES),
      nonce: keyHex(r.nonce, "nonce", REMOTE_ATTACHMENT_NONCE_BYTES),
      secret: keyHex(r.secret, "secret", REMOTE_ATTACHMENT_SECRET_BYTES),
      scheme: checkString(r.scheme, "scheme", WHERE),
    };
    if (r.contentLength !== undefined) {
      parameters.contentLength = String(checkContentLength(r.contentLength));
    }
    if (r.filename !== undefined) parameters.filename = checkString(r.filename, "filename", WHERE);
    return { type: { ...ContentTypeRemoteAttachment }, parameters, content: utf8(url) };
  },
  decode(encoded) {
    const url = utf8Content(encoded.content, WHERE);
    try {
      new URL(url);
    } catch (cause) {
      throw malformed(`${WHERE}: content ${JSON.stringify(url.slice(0, 200))} is not a URL`, cause);
    }
    const p = (name: string) => requiredParam(encoded, name, WHERE);
    const out: RemoteAttachment = {
      url,
      contentDigest: checkContentDigest(p("contentDigest")),
      salt: hexBytes(p("salt"), "salt", WHERE, REMOTE_ATTACHMENT_SALT_BYTES),
      nonce: hexBytes(p("nonce"), "nonce", WHERE, REMOTE_ATTACHMENT_NONCE_BYTES),
      secret: hexBytes(p("secret"), "secret", WHERE, REMOTE_ATTACHMENT_SECRET_BYTES),
      scheme: p("scheme"),
    };
    const length = encoded.parameters.contentLength;
    if (length !== undefined) {
      if (!DECIMAL_RE.test(length)) {
        throw malformed(
          `${WHERE}: contentLength must be a decimal byte count, got ${JSON.stringify(length.slice(0, 40))}`,
        );
      }
      out.contentLength = Number(length);
    }
    const filename = encoded.parameters.filename;
    if (filename !== undefined) out.filename = filename;
    return out;
  },
  // libxmtp's wording (crates/xmtp_content_types/src/remote_attachment.rs).
  fallback: (r) =>
    `Can't display ${r.filename || "this content"}. This app doesn't support remote attachments.`,
  shouldPush: () => true,
};
