export { Client } from "./client";
export { Conversation } from "./conversations/conversation";
export { Conversations } from "./conversations/conversations";
export {
  Preferences,
  type ConsentEntity,
  type ConsentRecord,
  type ConsentState,
} from "./consent/preferences";
export { Group, type GroupMember, type GroupInfo, type GroupDetails } from "./groups/group";
export type { Ability, GroupAbility } from "./groups/abilities";
export { MAX_ATTEMPTS as MAX_COMMIT_ATTEMPTS } from "./groups/commit";
export type { PermissionAction, PermissionPreset, PermissionSet, Policy, Role } from "../mls";
export { ClientError, type ClientErrorCode } from "./errors";
export type { Arrival } from "./messages/arrivals";
export {
  MAX_QUERY_LENGTH,
  type SearchGroup,
  type SearchHit,
  type SearchOptions,
  type Snippet,
} from "./search";
export type { DisappearingTimer } from "./disappearing/settings";
export type {
  ClientOptions,
  ClientTestHooks,
  CommitStep,
  SendStep,
  ConnectionState,
  ConversationSummary,
  DecodedMessage,
  MessageStatus,
  SyncState,
} from "./types";
export {
  signerFromEip1193,
  signerFromLocalAccount,
  signerFromWalletClient,
  SignerError,
  type Signer,
} from "../signer";
export { MAX_ATTACHMENT_BYTES, type SendAttachmentOptions } from "./messages/attachments";
export { MAX_FILES_PER_MESSAGE } from "./messages/file-limits";
export {
  BroadcastJob,
  Broadcasts,
  MAX_BROADCAST_RECIPIENTS,
  parseRecipients,
  skipText,
  type BroadcastEntry,
  type BroadcastMessage,
  type BroadcastProgress,
  type BroadcastStatus,
  type ParsedRecipients,
  type Recipient,
  type RecipientProblem,
  type SkipReason,
} from "./broadcast";
export type {
  GroupUpdatedContent,
  Attachment,
  DeleteMessageContent,
  EditMessageContent,
  Reaction,
  ReactionAction,
  MultiRemoteAttachment,
  ReadReceipt,
  RemoteAttachment,
  Reply,
} from "../content";
export {
  installationsForAddress,
  revokeWithWallet,
  MAX_INSTALLATIONS_PER_INBOX,
  type InstallationInfo,
  type WalletOnlyOptions,
} from "./devices/installations";
export { DeviceSync, type HistorySyncState } from "./devices/device-sync";
export type { ChainRpcUrlsOption } from "./chain";
export { signerForWallet } from "./wallet-signer";
export {
  Names,
  type NameChain,
  type NameInfo,
  type NamesOptions,
  type ResolvedNameInfo,
} from "./names/names";
export { looksLikeName } from "../names/looks-like-name";
export type { BrowserPushSubscription, PushStatus } from "./push/push-notifications";
// Light parts only: the backup code itself loads when a backup is made or restored.
export { BackupError, type BackupErrorCode } from "./backup/backup-error";
export {
  MIN_PASSPHRASE_LENGTH,
  passphraseStrength,
  type PassphraseLevel,
  type PassphraseStrength,
} from "./backup/passphrase";
export type { BackupProgress, BackupSummary, RestoreSummary } from "./backup/backup";
export {
  Invites,
  REFUSAL_TEXT,
  type CreateInviteOptions,
  type InvitePreview,
  type JoinStatus,
} from "./invites/invites";
export type { InviteLink } from "./invites/records";
export type { Invite } from "./invites/token";
export type { JoinRefusal } from "../content";
