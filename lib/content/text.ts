// xmtp.org/text:1.0 and xmtp.org/markdown:1.0: UTF-8 bytes, params {encoding: "UTF-8"}.

import { fromUtf8, utf8 } from "../crypto";
import type { ContentCodec } from "./codec";
import type { ContentTypeId } from "./content-type";
import type { EncodedContent } from "./encoded-content";
import { ContentError } from "./errors";

export const ContentTypeText: ContentTypeId = Object.freeze({
  authorityId: "xmtp.org",
  typeId: "text",
  versionMajor: 1,
  versionMinor: 0,
});

export const ContentTypeMarkdown: ContentTypeId = Object.freeze({
  authorityId: "xmtp.org",
  typeId: "markdown",
  versionMajor: 1,
  versionMinor: 0,
});

const UTF8 = "UTF-8";

function utf8Codec(contentType: ContentTypeId): ContentCodec<string> {
  return {
    contentType,
    encode(content: string): EncodedContent {
      if (typeof content !== "string") {
        throw new ContentError(
          "malformed_content",
          `${contentType.typeId} content must be a string`,
        );
      }
      return { type: { ...contentType }, parameters: { encoding: UTF8 }, content: utf8(content) };
    },
    decode(encoded: EncodedContent): string {
      // A missing parameter means UTF-8 (libxmtp fixtures omit it); any other value is refused.
      const enc = encoded.parameters.encoding;
      if (enc !== undefined && enc !== UTF8) {
        throw new ContentError(
          "malformed_content",
          `${contentType.typeId}: unsupported encoding ${JSON.stringify(enc)}`,
        );
      }
      try {
        return fromUtf8(encoded.content);
      } catch (cause) {
        throw new ContentError(
          "malformed_content",
          `${contentType.typeId} content is not valid UTF-8`,
          { cause },
        );
      }
    },
    // Text is its own fallback (xmtp-js returns undefined too).
    fallback: () => undefined,
    shouldPush: () => true,
  };
}

export const textCodec: ContentCodec<string> = utf8Codec(ContentTypeText);
export const markdownCodec: ContentCodec<string> = utf8Codec(ContentTypeMarkdown);
