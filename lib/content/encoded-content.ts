// EncodedContent: the typed payload every message carries (compat: xmtp/proto content.proto).
// Codecs work with this plain shape; protobuf-es types stay behind encode/decode here.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  Compression,
  ContentTypeIdSchema,
  EncodedContentSchema,
} from "../proto/mls/message_contents/content_pb";
import { validateContentType, type ContentTypeId } from "./content-type";
import { ContentError } from "./errors";

export { Compression };

export interface EncodedContent {
  type: ContentTypeId;
  parameters: Record<string, string>;
  fallback?: string;
  /** Set when `content` is compressed (DEFLATE = zlib stream, GZIP = gzip member). */
  compression?: Compression;
  content: Uint8Array;
}

/** Serialises in field-number order (1,2,3,4,5), as protobuf-es and prost do. */
export function encodeEncodedContent(e: EncodedContent): Uint8Array {
  const type = validateContentType(e.type);
  const msg = create(EncodedContentSchema, {
    type: create(ContentTypeIdSchema, {
      authorityId: type.authorityId,
      typeId: type.typeId,
      versionMajor: type.versionMajor,
      versionMinor: type.versionMinor,
    }),
    parameters: { ...e.parameters },
    content: e.content,
  });
  if (e.fallback !== undefined) msg.fallback = e.fallback;
  if (e.compression !== undefined) msg.compression = e.compression;
  return toBinary(EncodedContentSchema, msg);
}

/**
 * Synchronous wire decode. The result is exactly what was sent: compressed content stays
 * compressed (see decompressContent), so re-encoding gives the same bytes and the message
 * ID (computed over these bytes) stays checkable.
 */
export function decodeEncodedContent(bytes: Uint8Array): EncodedContent {
  let msg;
  try {
    msg = fromBinary(EncodedContentSchema, bytes);
  } catch (cause) {
    throw new ContentError(
      "malformed_content",
      `EncodedContent (${bytes.length} bytes) is not valid protobuf: ${(cause as Error).message}`,
      { cause },
    );
  }
  const t = validateContentType(msg.type);
  const out: EncodedContent = {
    type: {
      authorityId: t.authorityId,
      typeId: t.typeId,
      versionMajor: t.versionMajor,
      versionMinor: t.versionMinor,
    },
    parameters: { ...msg.parameters },
    content: msg.content,
  };
  if (msg.fallback !== undefined) out.fallback = msg.fallback;
  if (msg.compression !== undefined) out.compression = msg.compression;
  return out;
}
