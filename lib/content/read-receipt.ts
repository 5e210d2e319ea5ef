// xmtp.org/readReceipt:1.0: "I have read this conversation up to now". Empty content, no
// fallback (nothing to show), never pushed.

import type { ContentCodec } from "./codec";
import type { ContentTypeId } from "./content-type";
import { malformed } from "./params";

export const ContentTypeReadReceipt: ContentTypeId = Object.freeze({
  authorityId: "xmtp.org",
  typeId: "readReceipt",
  versionMajor: 1,
  versionMinor: 0,
});

export type ReadReceipt = Record<string, never>;

export const readReceiptCodec: ContentCodec<ReadReceipt> = {
  contentType: ContentTypeReadReceipt,
  encode: () => ({
    type: { ...ContentTypeReadReceipt },
    parameters: {},
    content: new Uint8Array(0),
  }),
  decode(encoded) {
    if (encoded.content.length !== 0) {
      throw malformed(
        `readReceipt:1.0: content must be empty, got ${encoded.content.length} bytes`,
      );
    }
    return {};
  },
  fallback: () => undefined,
  shouldPush: () => false,
};
