// The node's published limits (GetNodeInfo returns them).
import { MAX_IDENTITY_UPDATES_PER_INBOX, MAX_INSTALLATIONS_PER_INBOX } from "../../lib/identity";

export const LIMITS = {
  /** One group or welcome message's `data` (PROTOCOL.md §3). */
  maxMessageBytes: 1_048_214,
  /** Paging: 0 means this; larger values are clamped to it. */
  maxPageSize: 100,
  /** Messages per SendGroupMessages / SendWelcomeMessages request. */
  maxSendBatch: 100,
  /** Entries per GetInboxIds / GetIdentityUpdates / FetchKeyPackages request. */
  maxLookups: 1000,
  /** Signatures per VerifySmartContractWalletSignatures request: each is an eth_call the operator pays for. */
  maxScwChecks: 50,
  maxGroupIdBytes: 255,
  /**
   * One commit log entry (serialized_commit_log_entry). A PlaintextCommitLogEntry is
   * about 100 bytes plus the group id; the rest is headroom for later fields.
   */
  maxCommitLogEntryBytes: 4096,
  /** Entries per BatchPublishCommitLog, queries per BatchQueryCommitLog (XMTP: 10 / 20). */
  maxCommitLogBatch: 100,
  maxSenderHmacBytes: 64,
  /** X25519 keys are 32 bytes; X-Wing (ML-KEM-768 + X25519) keys 1216. */
  maxHpkePublicKeyBytes: 2048,
  maxKeyPackageBytes: 64 * 1024,
  /** A welcome's wrapped WelcomeMetadata (a cursor: tens of bytes sealed; room for an HPKE encapsulation). */
  maxWelcomeMetadataBytes: 4096,
  installationKeyBytes: 32,
  /** Conversations one installation registers for Web Push (PushRegistration.SetTopics). */
  maxPushTopics: 5000,
  maxInstallationsPerInbox: MAX_INSTALLATIONS_PER_INBOX,
  maxIdentityUpdatesPerInbox: MAX_IDENTITY_UPDATES_PER_INBOX,
  /** Whole request body (Connect readMaxBytes): a full batch of big messages needs several requests. */
  maxRequestBytes: 8 * 1024 * 1024,
} as const;
