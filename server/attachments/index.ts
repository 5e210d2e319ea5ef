// The node's attachment store: encrypted blobs by SHA-256 (PROTOCOL.md §3).
export type { AttachmentStore, AttachmentBlob, StoredAttachment } from "./store";
export { AttachmentError, type AttachmentErrorCode } from "./errors";
export { checkDigest, isDigest } from "./digest";
export { FsAttachmentStore } from "./fs-store";
export { PgAttachmentStore } from "./pg-store";
export { S3AttachmentStore } from "./s3-store";
export { openAttachmentStore } from "./open";
export {
  createAttachmentHandler,
  isAttachmentPath,
  ATTACHMENTS_PATH,
  BYTES_PER_TOKEN,
  type AttachmentHttpOptions,
} from "./http";
