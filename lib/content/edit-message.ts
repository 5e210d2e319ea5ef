// xmtp.org/editMessage:1.0 (xmtp/proto edit_message.proto, added Feb 2026; libxmtp has the
// generated type but no codec yet): EditMessage{string message_id = 1; EncodedContent
// edited_content = 2}. The new content is a whole EncodedContent, decoded through the
// registry like a reply's. We send text or markdown only and add a fallback to the outer
// EncodedContent, so apps without this type show what the message now says.
// Only the sender may edit: every receiver checks it (lib/client/messages/content-rules.ts).

import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import type { CodecLookup, ContentCodec } from "./codec";
import { contentTypeToString, parseContentType, type ContentTypeId } from "./content-type";
import { checkMessageId } from "./delete-message";
import { decodeEncodedContent, encodeEncodedContent } from "./encoded-content";
import { ContentError } from "./errors";
import { checkString, malformed } from "./params";

export const ContentTypeEditMessage: ContentTypeId = Object.freeze({
  authorityId: "xmtp.org",
  typeId: "editMessage",
  versionMajor: 1,
  versionMinor: 0,
});

export interface EditMessageContent<T = unknown> {
  /** Lowercase hex ID of the message edited. */
  messageId: string;
  /** Type of the new content, "authority/type:major.minor". */
  contentType: string;
  /** The new content, decoded by its codec. */
  content: T;
}

const WHERE = "editMessage:1.0";
// What an edit may carry: words. An edit turning a message into a file, a reaction or
// another edit would have no sensible display and no sensible fallback.
const EDITABLE = new Set(["xmtp.org/text:1", "xmtp.org/markdown:1"]);

function innerCodec(registry: CodecLookup | undefined, type: ContentTypeId) {
  if (!EDITABLE.has(`${type.authorityId}/${type.typeId}:${type.versionMajor}`))
    throw malformed(
      `${WHERE}: edited content must be text or markdown, got ${contentTypeToString(type)}`,
    );
  const codec = registry?.codecFor(type);
  if (!codec)
    throw new ContentError(
      "unknown_content_type",
      `${WHERE}: the edited content needs a codec registry with ${contentTypeToString(type)}`,
    );
  return codec;
}

export const editMessageCodec: ContentCodec<EditMessageContent> = {
  contentType: ContentTypeEditMessage,
  encode(edit, registry) {
    const messageId = checkMessageId(edit?.messageId, WHERE);
    const type = parseContentType(checkString(edit.contentType, "contentType", WHERE));
    const inner = innerCodec(registry, type).encode(edit.content, registry);
    // Field order 1, 2 and nothing for empty values, as prost writes it.
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).string(messageId);
    w.tag(2, WireType.LengthDelimited).bytes(encodeEncodedContent(inner));
    return { type: { ...ContentTypeEditMessage }, parameters: {}, content: w.finish() };
  },
  decode(encoded, registry) {
    let messageId: string | undefined;
    let innerBytes: Uint8Array | undefined;
    try {
      const r = new BinaryReader(encoded.content);
      while (r.pos < r.len) {
        const [field, wireType] = r.tag();
        if (field === 1 && wireType === WireType.LengthDelimited) messageId = r.string();
        else if (field === 2 && wireType === WireType.LengthDelimited) innerBytes = r.bytes();
        else r.skip(wireType, field);
      }
    } catch (cause) {
      throw malformed(`${WHERE}: content is not an EditMessage protobuf`, cause);
    }
    const id = checkMessageId(messageId ?? "", WHERE);
    if (!innerBytes) throw malformed(`${WHERE}: edited_content is missing`);
    const inner = decodeEncodedContent(innerBytes);
    if (inner.compression !== undefined)
      throw malformed(`${WHERE}: compressed edited content is not supported`);
    const content = innerCodec(registry, inner.type).decode(inner, registry);
    return { messageId: id, contentType: contentTypeToString(inner.type), content };
  },
  fallback(edit) {
    return typeof edit.content === "string"
      ? `Edited a message to: ${edit.content}`
      : "Edited an earlier message";
  },
  shouldPush: () => false,
};
