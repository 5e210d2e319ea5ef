// xmtp.org/reply:1.0: content = the serialized EncodedContent of the reply itself; params
// contentType (its type string), reference (hex ID of the message replied to) and the
// optional referenceInboxId, in the order xmtp-js writes them. The inner content is encoded
// and decoded through the registry the reply codec is handed (CodecRegistry passes itself).

import type { CodecLookup, ContentCodec } from "./codec";
import { contentTypeToString, parseContentType, type ContentTypeId } from "./content-type";
import { decodeEncodedContent, encodeEncodedContent } from "./encoded-content";
import { ContentError } from "./errors";
import { checkString, malformed, requiredParam } from "./params";

export const ContentTypeReply: ContentTypeId = Object.freeze({
  authorityId: "xmtp.org",
  typeId: "reply",
  versionMajor: 1,
  versionMinor: 0,
});

export interface Reply<T = unknown> {
  /** Hex ID of the message replied to. */
  reference: string;
  /** Inbox ID of that message's sender. */
  referenceInboxId?: string;
  /** Type of the reply's own content, "authority/type:major.minor". */
  contentType: string;
  /** The reply's own content, decoded by its codec. */
  content: T;
}

const WHERE = "reply:1.0";

function isReplyType(t: ContentTypeId): boolean {
  return t.authorityId === ContentTypeReply.authorityId && t.typeId === ContentTypeReply.typeId;
}

function innerCodec(registry: CodecLookup | undefined, type: ContentTypeId, action: string) {
  if (!registry) {
    throw new ContentError(
      "unknown_content_type",
      `${WHERE}: ${action} the inner content needs a codec registry (use CodecRegistry)`,
    );
  }
  // One level only: nobody sends replies to replies as nested content, and it bounds recursion.
  if (isReplyType(type)) throw malformed(`${WHERE}: a reply cannot contain another reply`);
  const codec = registry.codecFor(type);
  if (!codec) {
    throw new ContentError(
      "unknown_content_type",
      `${WHERE}: no codec registered for the inner content type ${contentTypeToString(type)}`,
    );
  }
  return codec;
}

export const replyCodec: ContentCodec<Reply> = {
  contentType: ContentTypeReply,
  encode(reply, registry) {
    const reference = checkString(reply.reference, "reference", WHERE, true);
    const type = parseContentType(checkString(reply.contentType, "contentType", WHERE));
    // Inner content as its codec writes it, without a fallback (as xmtp-js and libxmtp do).
    const inner = innerCodec(registry, type, "encoding").encode(reply.content, registry);
    const parameters: Record<string, string> = {
      contentType: contentTypeToString(inner.type),
      reference,
    };
    if (reply.referenceInboxId !== undefined) {
      parameters.referenceInboxId = checkString(reply.referenceInboxId, "referenceInboxId", WHERE);
    }
    return { type: { ...ContentTypeReply }, parameters, content: encodeEncodedContent(inner) };
  },
  decode(encoded, registry) {
    const reference = requiredParam(encoded, "reference", WHERE, true);
    let inner;
    try {
      inner = decodeEncodedContent(encoded.content);
    } catch (cause) {
      throw malformed(`${WHERE}: inner content: ${(cause as Error).message}`, cause);
    }
    const contentType = contentTypeToString(inner.type);
    const declared = encoded.parameters.contentType;
    if (declared !== undefined && declared !== contentType) {
      throw malformed(
        `${WHERE}: contentType parameter ${JSON.stringify(declared)} does not match the inner content type ${contentType}`,
      );
    }
    if (inner.compression !== undefined) {
      throw malformed(`${WHERE}: compressed inner content is not supported`);
    }
    const codec = innerCodec(registry, inner.type, "decoding");
    let content: unknown;
    try {
      content = codec.decode(inner, registry);
    } catch (cause) {
      if (cause instanceof ContentError) throw cause;
      throw malformed(`${WHERE}: inner ${contentType}: ${(cause as Error).message}`, cause);
    }
    const out: Reply = { reference, contentType, content };
    const inboxId = encoded.parameters.referenceInboxId;
    if (inboxId !== undefined) out.referenceInboxId = inboxId;
    return out;
  },
  // libxmtp's wording (crates/xmtp_content_types/src/reply.rs): quotes text replies only.
  fallback(reply) {
    const type = parseContentType(reply.contentType);
    if (
      type.authorityId === "xmtp.org" &&
      type.typeId === "text" &&
      typeof reply.content === "string"
    ) {
      return `Replied with "${reply.content}" to an earlier message`;
    }
    return "Replied to an earlier message";
  },
  shouldPush: () => true,
};
