export { ApiError, type ApiErrorCode } from "./errors";
export { backoffDelay, sleep } from "./backoff";
export { withRetry, type RetryOptions } from "./retry";
export {
  NodeClient,
  MAX_PAGE_SIZE,
  type GroupMessageInput,
  type WelcomeInput,
  type WelcomeV1Input,
  type WelcomePointerInput,
  type ReceivedWelcome,
  isWelcomePointer,
  welcomeInputBytes,
  type PageOptions,
} from "./node-client";
export {
  MAX_COMMIT_LOG_BATCH,
  MAX_COMMIT_LOG_ENTRY_BYTES,
  type CommitLogPublish,
  type CommitLogQuery,
  type CommitLogEntryRecord,
  type CommitLogPage,
} from "./commit-log";
export { ResumableSubscription, topicKey, type Topic, type StreamEvent } from "./subscription";
export { AsyncQueue } from "./async-queue";
export {
  uploadAttachment,
  downloadAttachment,
  type UploadedAttachment,
  type UploadOptions,
  type DownloadOptions,
} from "./attachments";
export { parseNetworks, type Network } from "./networks";
