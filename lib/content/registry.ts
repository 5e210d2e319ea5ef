// Codec lookup by authority/type:major (minor versions are compatible; a new major is a new
// wire format, e.g. reaction:1.0 JSON vs reaction:2.0 protobuf).

import { attachmentCodec } from "./attachment";
import { deleteMessageCodec } from "./delete-message";
import { deviceSyncCodec } from "./device-sync";
import { editMessageCodec } from "./edit-message";
import { groupUpdatedCodec } from "./group-updated";
import { leaveRequestCodec } from "./leave-request";
import { inviteControlCodec, joinReplyCodec, joinRequestCodec } from "./invite-messages";
import type { CodecLookup, ContentCodec } from "./codec";
import {
  codecKey,
  contentTypeToString,
  parseContentType,
  type ContentTypeId,
} from "./content-type";
import { decompressContent } from "./compression";
import { decodeEncodedContent, type EncodedContent } from "./encoded-content";
import { ContentError } from "./errors";
import { reactionCodec, reactionV2Codec } from "./reaction";
import { readReceiptCodec } from "./read-receipt";
import { multiRemoteAttachmentCodec } from "./multi-remote-attachment";
import { remoteAttachmentCodec } from "./remote-attachment";
import { replyCodec } from "./reply";
import { markdownCodec, textCodec } from "./text";

export interface DecodedContent {
  /** "authority/type:major.minor" as sent. */
  contentType: string;
  /** The codec's value; for an unknown type, the fallback text (undefined if none was sent). */
  content: unknown;
  fallback?: string;
  known: boolean;
}

function asType(type: ContentTypeId | string): ContentTypeId {
  return typeof type === "string" ? parseContentType(type) : type;
}

export class CodecRegistry implements CodecLookup {
  private readonly codecs = new Map<string, ContentCodec<unknown>>();

  register<T>(codec: ContentCodec<T>): this {
    this.codecs.set(codecKey(codec.contentType), codec as ContentCodec<unknown>);
    return this;
  }

  codecFor(type: ContentTypeId | string): ContentCodec<unknown> | undefined {
    return this.codecs.get(codecKey(asType(type)));
  }

  /** Encodes with the registered codec and fills `fallback` from it (as xmtp-js does). */
  encode(type: ContentTypeId | string, content: unknown): EncodedContent {
    const t = asType(type);
    const codec = this.codecFor(t);
    if (!codec) {
      throw new ContentError(
        "unknown_content_type",
        `no codec registered for ${contentTypeToString(t)}`,
      );
    }
    const encoded = codec.encode(content, this);
    const fallback = codec.fallback(content);
    if (fallback !== undefined && encoded.fallback === undefined) encoded.fallback = fallback;
    return encoded;
  }

  /**
   * Synchronous decode of uncompressed content. Unknown types are not errors: they come back
   * with known=false and their fallback text. Codec failures become ContentError.
   */
  decode(encoded: EncodedContent): DecodedContent {
    const contentType = contentTypeToString(encoded.type);
    if (encoded.compression !== undefined) {
      throw new ContentError(
        "malformed_content",
        `${contentType} content is still compressed: call decompressContent (or decodeBytes) first`,
      );
    }
    const codec = this.codecFor(encoded.type);
    const base = encoded.fallback === undefined ? {} : { fallback: encoded.fallback };
    if (!codec) return { contentType, content: encoded.fallback, known: false, ...base };
    try {
      return { contentType, content: codec.decode(encoded, this), known: true, ...base };
    } catch (cause) {
      if (cause instanceof ContentError) throw cause;
      throw new ContentError("malformed_content", `${contentType}: ${(cause as Error).message}`, {
        cause,
      });
    }
  }

  /**
   * Whether sending this content should trigger a push notification. Types without a codec
   * push, as in libxmtp (a sender always knows its own types, so this is the safe default).
   */
  shouldPush(type: ContentTypeId | string, content: unknown): boolean {
    const codec = this.codecFor(type);
    return codec ? codec.shouldPush(content) : true;
  }

  /** Wire bytes → decompressed (with the size cap) → decoded. */
  async decodeBytes(bytes: Uint8Array, opts: { maxBytes?: number } = {}): Promise<DecodedContent> {
    return this.decode(await decompressContent(decodeEncodedContent(bytes), opts));
  }
}

export function defaultRegistry(): CodecRegistry {
  return new CodecRegistry()
    .register(textCodec)
    .register(markdownCodec)
    .register(groupUpdatedCodec)
    .register(leaveRequestCodec)
    .register(reactionCodec)
    .register(reactionV2Codec)
    .register(replyCodec)
    .register(readReceiptCodec)
    .register(attachmentCodec)
    .register(remoteAttachmentCodec)
    .register(multiRemoteAttachmentCodec)
    .register(deviceSyncCodec)
    .register(deleteMessageCodec)
    .register(editMessageCodec)
    .register(joinRequestCodec)
    .register(joinReplyCodec)
    .register(inviteControlCodec);
}

let shared: CodecRegistry | undefined;

/** shouldPush by the default registry's codecs (see CodecRegistry.shouldPush). */
export function shouldPushFor(contentType: ContentTypeId | string, content: unknown): boolean {
  shared ??= defaultRegistry();
  return shared.shouldPush(contentType, content);
}
