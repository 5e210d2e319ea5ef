// Public surface of lib/content: content types, EncodedContent, codecs, envelopes, message IDs.

export { ContentError, type ContentErrorCode } from "./errors";
export {
  contentTypeToString,
  parseContentType,
  validateContentType,
  type ContentTypeId,
} from "./content-type";
export {
  Compression,
  encodeEncodedContent,
  decodeEncodedContent,
  type EncodedContent,
} from "./encoded-content";
export { compressContent, decompressContent, DEFAULT_MAX_INFLATED_BYTES } from "./compression";
export {
  encodePlaintextEnvelope,
  decodePlaintextEnvelope,
  type DecodedPlaintextEnvelope,
} from "./plaintext-envelope";
export { messageId } from "./message-id";
export type { ContentCodec } from "./codec";
export { CodecRegistry, defaultRegistry, type DecodedContent } from "./registry";
export { ContentTypeText, ContentTypeMarkdown, textCodec, markdownCodec } from "./text";
export {
  ContentTypeGroupUpdated,
  groupUpdatedCodec,
  type GroupUpdatedContent,
} from "./group-updated";
export {
  ContentTypeLeaveRequest,
  leaveRequestCodec,
  type LeaveRequestContent,
} from "./leave-request";
