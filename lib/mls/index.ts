// Public surface of lib/mls: MLS (RFC 9420) groups on ts-mls for this network.
//
// Wire facts (what the node and other clients rely on):
// - Ciphersuite 0x0003 MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519, network-wide.
// - Credential: Basic, identity = protobuf MlsCredential{inbox_id} (canonical bytes);
//   leaf signature key = the installation's Ed25519 public key (= installation ID).
// - Key package upload = bare TLS KeyPackage (not MLSMessage-wrapped), with the
//   last_resort extension (0x000A); lifetime now-1h .. now+90d.
// - Commits and application messages = MLSMessage(PrivateMessage): the node sees group id,
//   epoch and content type only. Welcome = MLSMessage(Welcome) carrying the ratchet tree
//   in its GroupInfo (ratchet_tree extension); one welcome for all new installations.
// - Group context: required_capabilities (0xF000, basic) and immutable metadata 0xF000 =
//   opaque<V>(GroupMetadataV1 protobuf), as openmls' ImmutableMetadata.
export {
  CIPHERSUITE_ID,
  CIPHERSUITE_NAME,
  IMMUTABLE_METADATA_EXTENSION_TYPE,
  LAST_RESORT_EXTENSION_TYPE,
  MUTABLE_METADATA_EXTENSION_TYPE,
  GROUP_MEMBERSHIP_EXTENSION_TYPE,
  GROUP_PERMISSIONS_EXTENSION_TYPE,
  MAX_GROUP_SIZE,
  MAX_PAST_EPOCHS,
} from "./constants";
export {
  METADATA_FIELDS,
  METADATA_LIMITS,
  PERMISSION_ACTIONS,
  presetPermissions,
  dmPermissions,
  dmMetadata,
  readGroupContext,
  hasMutableExtensions,
  roleOf,
  allows,
  isPolicy,
  actionForField,
  validateMutableMetadata,
  type GroupContextState,
  type MutableMetadata,
  type MetadataField,
  type PermissionAction,
  type PermissionPreset,
  type PermissionSet,
  type Policy,
  type Role,
} from "./group-context";
export {
  DISAPPEAR_FROM_NS,
  DISAPPEAR_IN_NS,
  DISAPPEAR_FIELDS,
  disappearingOf,
  type DisappearingSettings,
} from "./disappearing";
export { commitViolation, actionsOf, inboxesOf, type CommitChange } from "./group-policy";
export { MlsError, type MlsErrorCode } from "./errors";
export {
  parseKeyPackage,
  parseKeyPackageAsync,
  readMessageHeader,
  type ParsedKeyPackage,
  type MessageHeader,
  type WireFormat,
  type ContentType,
} from "./wire";
export { type InstallationSigner } from "./signer";
export { type AuthService } from "./auth";
export { createKeyPackage, type CreatedKeyPackage } from "./keyPackage";
export { lifetimeProblem } from "./lifetime";
export {
  wrapWelcome,
  wrapWelcomeWithMetadata,
  unwrapWelcome,
  unwrapWelcomeWithMetadata,
  asWrappedWelcome,
  type WelcomeMetadata,
  type WelcomeWrapper,
} from "./welcome-wrap";
export { welcomeRecipientOf, type WelcomeRecipient } from "./welcome-recipient";
export {
  WELCOME_POINTER_THRESHOLD,
  acceptsWelcomePointers,
  openPointee,
  openWelcomePointer,
  pointWelcome,
  wrapWelcomePointer,
  type PointedWelcome,
} from "./welcome-pointer";
export { type GroupMetadata, type ConversationKind } from "./metadata";
export {
  type GroupHandle,
  type Member,
  encodeGroupState,
  encodeGroupStateMain,
  encodeGroupStateEpoch,
  epochPartChanged,
  decodeGroupState,
  groupMetadata,
  groupMembers,
  epochAuthenticator,
  isActive,
  leavesOf,
  memberOf,
  ownLeafIndex,
} from "./state";
export {
  createGroup,
  commitChanges,
  type ChangeOutput,
  addMembers,
  removeMembers,
  joinFromWelcome,
  joinWelcome,
  type AddOutput,
  type CommitOutput,
} from "./group";
export { mergeOwnCommit, type PendingCommit } from "./pending";
export {
  encryptApplication,
  memberDiff,
  processMessage,
  type Processed,
  type ProcessOptions,
} from "./messages";
export {
  takeGeneration,
  readyFor,
  encryptWithReady,
  forgetGeneration,
  ownUnusedGenerations,
  type ReadyGeneration,
} from "./ready-generation";
export {
  COMMIT_LOG_SIGNER_ATTRIBUTE,
  commitLogSignerOf,
  newCommitLogSignerAttribute,
  type CommitLogSigner,
} from "./commit-log-signer";
