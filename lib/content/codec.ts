// The codec contract (compat in shape with xmtp-js ContentCodec).

import type { ContentTypeId } from "./content-type";
import type { EncodedContent } from "./encoded-content";

/** Codec lookup handed to codecs whose content nests other content (reply:1.0). */
export interface CodecLookup {
  codecFor(type: ContentTypeId | string): ContentCodec<unknown> | undefined;
}

export interface ContentCodec<T> {
  contentType: ContentTypeId;
  /** `registry` is passed by CodecRegistry; only nesting codecs need it. */
  encode(content: T, registry?: CodecLookup): EncodedContent;
  /** Receives uncompressed content; throws (any error) on malformed input. */
  decode(encoded: EncodedContent, registry?: CodecLookup): T;
  /** Text shown by clients that do not know this type; undefined when none is needed. */
  fallback(content: T): string | undefined;
  /** Whether a push notification should be sent for this content. */
  shouldPush(content: T): boolean;
}
