// xmtp.org/multiRemoteStaticAttachment:1.0 (compat: xmtp/proto multi_remote_attachment.proto,
// libxmtp MultiRemoteAttachmentCodec): several files in one message. Content =
// MultiRemoteAttachment{repeated RemoteAttachmentInfo attachments = 1}, each item carrying
// what a remoteStaticAttachment:1.0 carries, but as protobuf fields (secret/salt/nonce as raw
// bytes, not hex parameters). No parameters, as libxmtp writes it. Each file is encrypted
// and uploaded exactly like a single remote attachment (remote-attachment-crypto.ts).

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  MultiRemoteAttachmentSchema,
  RemoteAttachmentInfoSchema,
  type RemoteAttachmentInfo,
} from "../proto/mls/message_contents/content_types/multi_remote_attachment_pb";
import type { ContentCodec } from "./codec";
import type { ContentTypeId } from "./content-type";
import { checkByteLength, checkString, malformed } from "./params";
import {
  checkContentDigest,
  checkContentLength,
  checkRemoteAttachmentUrl,
  REMOTE_ATTACHMENT_NONCE_BYTES,
  REMOTE_ATTACHMENT_SALT_BYTES,
  REMOTE_ATTACHMENT_SECRET_BYTES,
  type RemoteAttachment,
} from "./remote-attachment";

export const ContentTypeMultiRemoteAttachment: ContentTypeId = Object.freeze({
  authorityId: "xmtp.org",
  typeId: "multiRemoteStaticAttachment",
  versionMajor: 1,
  versionMinor: 0,
});

export interface MultiRemoteAttachment {
  /** In the order the sender chose; each one is fetched, verified and decrypted on its own. */
  attachments: RemoteAttachment[];
}

const WHERE = "multiRemoteStaticAttachment:1.0";
/** content_length is a uint32 on the wire. */
const MAX_UINT32 = 0xffff_ffff;

const at = (i: number) => `${WHERE}: attachments[${i}]`;

function checkUrl(url: unknown, where: string): string {
  const u = checkString(url, "url", where, true);
  try {
    new URL(u);
  } catch (cause) {
    throw malformed(`${where}: url ${JSON.stringify(u.slice(0, 200))} is not a URL`, cause);
  }
  return u;
}

function checkLength(n: unknown, where: string): number {
  const length = checkContentLength(n, where);
  if (length > MAX_UINT32) {
    throw malformed(`${where}: contentLength ${length} does not fit the wire's uint32`);
  }
  return length;
}

/** One item, checked field by field; the error names the item's index and the field. */
function checkItem(r: RemoteAttachment, i: number): RemoteAttachment {
  const where = at(i);
  if (!r || typeof r !== "object") throw malformed(`${where} must be an object`);
  checkByteLength(r.secret, "secret", where, REMOTE_ATTACHMENT_SECRET_BYTES);
  checkByteLength(r.salt, "salt", where, REMOTE_ATTACHMENT_SALT_BYTES);
  checkByteLength(r.nonce, "nonce", where, REMOTE_ATTACHMENT_NONCE_BYTES);
  const out: RemoteAttachment = {
    url: checkUrl(r.url, where),
    contentDigest: checkContentDigest(r.contentDigest, where),
    salt: r.salt,
    nonce: r.nonce,
    secret: r.secret,
    scheme: checkString(r.scheme, "scheme", where),
  };
  if (r.contentLength !== undefined) out.contentLength = checkLength(r.contentLength, where);
  if (r.filename !== undefined) out.filename = checkString(r.filename, "filename", where);
  return out;
}

function checkList(value: unknown): RemoteAttachment[] {
  if (!Array.isArray(value)) throw malformed(`${WHERE}: attachments must be an array`);
  if (value.length === 0) throw malformed(`${WHERE}: attachments must hold at least one file`);
  return value.map((r, i) => checkItem(r as RemoteAttachment, i));
}

function toInfo(r: RemoteAttachment): RemoteAttachmentInfo {
  return create(RemoteAttachmentInfoSchema, {
    contentDigest: r.contentDigest,
    secret: r.secret,
    nonce: r.nonce,
    salt: r.salt,
    scheme: r.scheme,
    url: r.url,
    ...(r.contentLength !== undefined ? { contentLength: r.contentLength } : {}),
    ...(r.filename !== undefined ? { filename: r.filename } : {}),
  });
}

function fromInfo(info: RemoteAttachmentInfo): RemoteAttachment {
  const r: RemoteAttachment = {
    url: info.url,
    contentDigest: info.contentDigest,
    salt: info.salt,
    nonce: info.nonce,
    secret: info.secret,
    scheme: info.scheme,
  };
  if (info.contentLength !== undefined) r.contentLength = info.contentLength;
  if (info.filename !== undefined) r.filename = info.filename;
  return r;
}

export const multiRemoteAttachmentCodec: ContentCodec<MultiRemoteAttachment> = {
  contentType: ContentTypeMultiRemoteAttachment,
  encode(m) {
    const attachments = checkList(m?.attachments);
    // Sending: https, or http to localhost for local development (as for one file).
    attachments.forEach((r) => checkRemoteAttachmentUrl(r.url, true));
    const message = create(MultiRemoteAttachmentSchema, { attachments: attachments.map(toInfo) });
    return {
      type: { ...ContentTypeMultiRemoteAttachment },
      parameters: {},
      content: toBinary(MultiRemoteAttachmentSchema, message),
    };
  },
  decode(encoded) {
    let m;
    try {
      m = fromBinary(MultiRemoteAttachmentSchema, encoded.content);
    } catch (cause) {
      throw malformed(`${WHERE}: content is not a MultiRemoteAttachment protobuf`, cause);
    }
    return { attachments: checkList(m.attachments.map(fromInfo)) };
  },
  // libxmtp's wording (crates/xmtp_content_types/src/multi_remote_attachment.rs).
  fallback: () =>
    "Can't display this content. This app doesn't support multiple remote attachments.",
  shouldPush: () => true,
};
