// xmtp.org/attachment:1.0: a file carried inline. Params filename (optional, as in libxmtp)
// and mimeType; content = the raw bytes. Files whose encoding reaches
// INLINE_ATTACHMENT_MAX_BYTES go remote (remoteStaticAttachment:1.0) instead.

import type { ContentCodec } from "./codec";
import type { ContentTypeId } from "./content-type";
import { encodeEncodedContent, type EncodedContent } from "./encoded-content";
import { checkString, malformed, requiredParam } from "./params";

export const ContentTypeAttachment: ContentTypeId = Object.freeze({
  authorityId: "xmtp.org",
  typeId: "attachment",
  versionMajor: 1,
  versionMinor: 0,
});

/** XMTP's advice: attachments under 1 MB inline, anything larger as a remote attachment. */
export const INLINE_ATTACHMENT_MAX_BYTES = 1_000_000;

export interface Attachment {
  /** Data, never markup: the UI must escape it. */
  filename?: string;
  mimeType: string;
  data: Uint8Array;
}

function checkAttachment(a: Attachment, where: string): void {
  if (a.filename !== undefined) checkString(a.filename, "filename", where);
  checkString(a.mimeType, "mimeType", where);
  if (!(a.data instanceof Uint8Array)) throw malformed(`${where}: data must be a Uint8Array`);
}

export const attachmentCodec: ContentCodec<Attachment> = {
  contentType: ContentTypeAttachment,
  encode(a) {
    checkAttachment(a, "attachment:1.0");
    // filename before mimeType: the parameter order xmtp-js writes.
    const parameters: Record<string, string> = {};
    if (a.filename !== undefined) parameters.filename = a.filename;
    parameters.mimeType = a.mimeType;
    return { type: { ...ContentTypeAttachment }, parameters, content: a.data };
  },
  decode(encoded) {
    const mimeType = requiredParam(encoded, "mimeType", "attachment:1.0");
    const out: Attachment = { mimeType, data: encoded.content };
    const filename = encoded.parameters.filename;
    if (filename !== undefined) out.filename = filename;
    return out;
  },
  // libxmtp's wording (crates/xmtp_content_types/src/attachment.rs).
  fallback: (a) =>
    `Can't display ${a.filename || "this content"}. This app doesn't support attachments.`,
  shouldPush: () => true,
};

/** The attachment:1.0 EncodedContent as sent (fallback included). */
export function encodeAttachmentContent(a: Attachment): EncodedContent {
  return { ...attachmentCodec.encode(a), fallback: attachmentCodec.fallback(a) };
}

/** True when the attachment may be sent inline: its encoding stays under 1 MB. */
export function attachmentFitsInline(a: Attachment): boolean {
  return encodeEncodedContent(encodeAttachmentContent(a)).length < INLINE_ATTACHMENT_MAX_BYTES;
}
