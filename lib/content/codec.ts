// The codec contract (compat in shape with xmtp-js ContentCodec).

import type { ContentTypeId } from "./content-type";
import type { EncodedContent } from "./encoded-content";

export interface ContentCodec<T> {
  contentType: ContentTypeId;
  encode(content: T): EncodedContent;
  /** Receives uncompressed content; throws (any error) on malformed input. */
  decode(encoded: EncodedContent): T;
  /** Text shown by clients that do not know this type; undefined when none is needed. */
  fallback(content: T): string | undefined;
  /** Whether a push notification should be sent for this content. */
  shouldPush(content: T): boolean;
}
