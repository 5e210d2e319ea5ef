// Public surface of broadcasts: one message to many people, each in their own DM.
export {
  BroadcastJob,
  skipText,
  type BroadcastEntry,
  type BroadcastMessage,
  type BroadcastProgress,
  type BroadcastStatus,
  type SkipReason,
} from "./broadcast";
export { Broadcasts } from "./broadcasts";
export {
  MAX_BROADCAST_RECIPIENTS,
  parseRecipients,
  type ParsedRecipients,
  type Recipient,
  type RecipientProblem,
} from "./recipients";
