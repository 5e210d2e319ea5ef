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
export {
  compressContent,
  decompressContent,
  gunzipBytes,
  gzipBytes,
  DEFAULT_MAX_INFLATED_BYTES,
} from "./compression";
export {
  encodePlaintextEnvelope,
  decodePlaintextEnvelope,
  type DecodedPlaintextEnvelope,
} from "./plaintext-envelope";
export { messageId } from "./message-id";
export type { CodecLookup, ContentCodec } from "./codec";
export { CodecRegistry, defaultRegistry, shouldPushFor, type DecodedContent } from "./registry";
export { ContentTypeText, ContentTypeMarkdown, textCodec, markdownCodec } from "./text";
export {
  ContentTypeGroupUpdated,
  groupUpdatedCodec,
  type GroupUpdatedContent,
} from "./group-updated";
export { LOCAL_ONLY_CONTENT_TYPES, isLocalOnlyContentType } from "./local-only";
export {
  ContentTypeLeaveRequest,
  leaveRequestCodec,
  type LeaveRequestContent,
} from "./leave-request";
export {
  ContentTypeReaction,
  ContentTypeReactionV2,
  REACTION_SEND_CONTENT_TYPE,
  reactionCodec,
  reactionV2Codec,
  type Reaction,
  type ReactionAction,
  type ReactionSchema,
} from "./reaction";
export { ContentTypeReply, replyCodec, type Reply } from "./reply";
export { ContentTypeReadReceipt, readReceiptCodec, type ReadReceipt } from "./read-receipt";
export {
  ContentTypeAttachment,
  INLINE_ATTACHMENT_MAX_BYTES,
  attachmentCodec,
  attachmentFitsInline,
  type Attachment,
} from "./attachment";
export {
  ContentTypeRemoteAttachment,
  REMOTE_ATTACHMENT_NONCE_BYTES,
  REMOTE_ATTACHMENT_SALT_BYTES,
  REMOTE_ATTACHMENT_SCHEME,
  REMOTE_ATTACHMENT_SECRET_BYTES,
  checkRemoteAttachmentUrl,
  remoteAttachmentCodec,
  type RemoteAttachment,
} from "./remote-attachment";
export {
  ContentTypeMultiRemoteAttachment,
  multiRemoteAttachmentCodec,
  type MultiRemoteAttachment,
} from "./multi-remote-attachment";
export {
  decryptRemoteAttachment,
  encryptAttachment,
  loadRemoteAttachment,
  remoteAttachmentFor,
  type EncryptedAttachment,
  type LoadRemoteAttachmentOptions,
  type RemoteAttachmentKeys,
} from "./remote-attachment-crypto";
export {
  ContentTypeDeviceSync,
  deviceSyncCodec,
  type DeviceSyncContent,
  type LineageClaim,
  type SyncedConsentRecord,
  type SyncedInvite,
  type SyncedPushPrefs,
} from "./device-sync";
export {
  ContentTypeDeleteMessage,
  deleteMessageCodec,
  type DeleteMessageContent,
} from "./delete-message";
export { ContentTypeEditMessage, editMessageCodec, type EditMessageContent } from "./edit-message";
export { looksLikeMarkdown } from "./markdown-detect";
export {
  ContentTypeJoinRequest,
  ContentTypeJoinReply,
  ContentTypeInviteControl,
  JOIN_REFUSALS,
  joinRequestCodec,
  joinReplyCodec,
  inviteControlCodec,
  type InviteControlContent,
  type JoinRefusal,
  type JoinReplyContent,
  type JoinRequestContent,
} from "./invite-messages";
