// EncodedContent: the typed payload every message carries (compat: xmtp/proto content.proto).
// Codecs work with this plain shape; protobuf-es types stay behind encode/decode here.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
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

/**
 * Serialises in field-number order (1,2,3,4,5), as prost and protobufjs do. The parameters map
 * is written by hand: like them (and unlike protobuf-es) an entry leaves out an empty key or
 * value, so re-encoding XMTP's bytes gives the same bytes.
 */
export function encodeEncodedContent(e: EncodedContent): Uint8Array {
  const type = validateContentType(e.type);
  const typeBytes = toBinary(
    ContentTypeIdSchema,
    create(ContentTypeIdSchema, {
      authorityId: type.authorityId,
      typeId: type.typeId,
      versionMajor: type.versionMajor,
      versionMinor: type.versionMinor,
    }),
  );
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).bytes(typeBytes);
  for (const [key, value] of Object.entries(e.parameters)) {
    if (typeof value !== "string") {
      throw new ContentError(
        "malformed_content",
        `EncodedContent parameter ${JSON.stringify(key)} must be a string, got ${typeof value}`,
      );
    }
    w.tag(2, WireType.LengthDelimited).fork();
    if (key !== "") w.tag(1, WireType.LengthDelimited).string(key);
    if (value !== "") w.tag(2, WireType.LengthDelimited).string(value);
    w.join();
  }
  if (e.fallback !== undefined) w.tag(3, WireType.LengthDelimited).string(e.fallback);
  if (e.content.length > 0) w.tag(4, WireType.LengthDelimited).bytes(e.content);
  if (e.compression !== undefined) w.tag(5, WireType.Varint).int32(e.compression);
  return w.finish();
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
