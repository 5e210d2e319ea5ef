// Public surface of lib/storage: the per-installation IndexedDB database and its repositories.

export { StorageError, type StorageErrorCode } from "./errors";
export { MessengerDb, SCHEMA_VERSION, clearAll, type MessengerDbOptions } from "./db";
export { Sealer, forgetUnlockedKeys } from "./sealing";
export { unlockText, type UnlockStatus } from "./data-key";
export {
  historySnapshot,
  publishedMessagesAfter,
  type HistorySnapshot,
  type MessageCursor,
} from "./history";
export { nsKey, nsFromKey, hexId, dmIdFor, conversationKeyRange, NS_KEY_DIGITS } from "./keys";
export type {
  SealedBlob,
  SecretRow,
  DeviceKeyRow,
  DataKeyRow,
  UnlockMode,
  StoredConversationRow,
  StoredMessageRow,
  StoredIntentRow,
  IdentityRow,
  KeyPackageRow,
  GroupRow,
  ConversationRow,
  ConversationPrefRow,
  InviteRow,
  JoinRow,
  PrefChoice,
  OutOfSyncRow,
  ConversationKind,
  MessageRow,
  MessageDeletion,
  MessageStatus,
  IntentRow,
  IntentKind,
  WelcomeRecipientRow,
  IntentStatus,
  CursorRow,
  ConsentRow,
  LineageRow,
} from "./schema";
export {
  SCHEMA_V1,
  SCHEMA_V2,
  SCHEMA_V3,
  SCHEMA_V4,
  SCHEMA_V5,
  SCHEMA_V6,
  SCHEMA_V7,
  SCHEMA_V8,
} from "./schema";
export { getCachedName, putCachedName, type CachedName } from "./names";
export { deleteBroadcast, loadBroadcasts, saveBroadcast } from "./broadcasts";
export {
  consentKey,
  consentWins,
  checkConsentState,
  getConsentRecord,
  getConsentRecords,
  listConsentRecords,
  mergeConsentRecords,
  setConsentRecords,
  deniedInboxRecords,
  type ConsentState,
  type ConsentEntity,
  type ConsentRecord,
} from "./consent";
export {
  saveIdentity,
  loadIdentity,
  setRegistered,
  getHistoryRequestedAt,
  setHistoryRequestedAt,
  type Identity,
} from "./identity";
export {
  putKeyPackage,
  getKeyPackage,
  currentKeyPackage,
  listKeyPackages,
  deleteKeyPackage,
  type StoredKeyPackage,
} from "./key-packages";
export {
  putGroupState,
  putGroupStateParts,
  sealGroupStateParts,
  groupStateStamp,
  groupVersionOf,
  getGroupState,
  deleteGroupState,
  type StoredGroupState,
  type SealedGroupState,
} from "./groups";
export {
  upsertConversation,
  getConversation,
  listConversations,
  conversationsByDmId,
  markConversationRead,
  mergeConversations,
  type ConversationInput,
} from "./conversations";
export { readConversationList, type ConversationList } from "./conversation-list";
export {
  addMessage,
  sealMessageInput,
  putSealedMessage,
  getMessage,
  messagesPage,
  storedMessagesPage,
  openStoredMessage,
  sameStoredMessage,
  allMessages,
  hasRecentMessageOfType,
  setMessageStatus,
  markPublished,
  messagesWithStatus,
  importMessages,
  type MessageInput,
  type AddMessageOptions,
  type SealedMessage,
} from "./messages";
export { storeReceived, storeEcho, type CursorMove } from "./incoming";
export { readForReceive, type ReceiveReads } from "./receive-reads";
export { storeSend, sealSendIntent, type StoreSendResult, type SendRefusal } from "./outgoing";
export {
  DELETED_PREVIEW,
  markMessageDeleted,
  messagesFrom,
  removeMessages,
  setPreviewIfLatest,
} from "./message-deletion";
export {
  DISAPPEARED_PREVIEW,
  isExpired,
  nextExpiry,
  purgeExpired,
  setConversationTimer,
} from "./expiry";
export {
  putIntent,
  nextIntents,
  updateIntent,
  deleteIntent,
  intentByPayloadHash,
  intentForMessage,
} from "./intents";
export {
  putCommitIntent,
  openCommitState,
  unfinishedCommitIntents,
  unfinishedCommitRows,
  getIntent,
  advanceCommitIntent,
  type CommitIntentInput,
} from "./commit-intents";
export { getCursor, setCursor, resetCursor, allCursors, groupTopic, welcomeTopic } from "./cursors";
export { markKeyPackageSpent, deleteSpentKeyPackages } from "./key-packages";
export { markOutOfSync, clearOutOfSync, outOfSyncOf } from "./sync-state";
export {
  putCommitLogRow,
  getCommitLogRow,
  deleteCommitLogRow,
  commitLogToPublish,
  markCommitLogPublished,
  resetCommitLog,
  pruneCommitLog,
  getCommitLogChain,
  putCommitLogChain,
  markReaddServed,
  readdServedUpTo,
} from "./commit-log";
export type { CommitLogRow, CommitLogChainRow } from "./schema";
export {
  getLineages,
  putLineage,
  deleteLineage,
  setContested,
  contestedConversationIds,
  forgetLosingLineage,
  type Lineage,
  type LineageState,
} from "./lineages";
export { loadPushPrefs, loadPushWorkerSettings, savePushPrefs, type PushPrefs } from "./push-prefs";
export {
  loadConversationPrefs,
  mergeConversationPrefs,
  prefUpdatesOf,
  type ConversationPrefs,
  type PrefField,
  type PrefUpdate,
} from "./conversation-prefs";
export { loadInvites, mergeInvites, loadJoins, saveJoin, type InviteUpdate } from "./invites";
