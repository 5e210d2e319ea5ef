export { Client } from "./client";
export { Conversation } from "./conversation";
export { Conversations } from "./conversations";
export {
  Preferences,
  type ConsentEntity,
  type ConsentRecord,
  type ConsentState,
} from "./preferences";
export { Group, type GroupMember, type GroupInfo, type GroupDetails } from "./group";
export type { Ability, GroupAbility } from "./group-abilities";
export { MAX_ATTEMPTS as MAX_COMMIT_ATTEMPTS } from "./group-commit";
export type { PermissionAction, PermissionPreset, PermissionSet, Policy, Role } from "../mls";
export { ClientError, type ClientErrorCode } from "./errors";
export type {
  ClientOptions,
  ConnectionState,
  ConversationSummary,
  DecodedMessage,
  MessageStatus,
} from "./types";
export {
  signerFromEip1193,
  signerFromLocalAccount,
  signerFromWalletClient,
  SignerError,
  type Signer,
} from "../signer";
export { MAX_ATTACHMENT_BYTES, type SendAttachmentOptions } from "./attachments";
export type {
  GroupUpdatedContent,
  Attachment,
  Reaction,
  ReactionAction,
  ReadReceipt,
  RemoteAttachment,
  Reply,
} from "../content";
export {
  installationsForAddress,
  revokeWithWallet,
  MAX_INSTALLATIONS_PER_INBOX,
  type InstallationInfo,
} from "./installations";
export { DeviceSync, type HistorySyncState } from "./device-sync";
