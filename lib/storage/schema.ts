// Row shapes of the per-installation database (schema version 2: v1 + consent). IDs are lowercase hex;
// `...Ns` fields are 20-digit zero-padded decimal strings (see keys.ts); `...At` are ms numbers.

export interface SealedBlob {
  v: 1;
  nonce: Uint8Array; // 12 bytes, fresh per seal
  ct: Uint8Array; // AES-256-GCM ciphertext || tag; AAD binds the record's purpose
}

export interface SecretRow {
  id: "wrapping_key";
  key: CryptoKey; // non-extractable AES-GCM; IndexedDB stores it as is
  createdAt: number;
}

export interface IdentityRow {
  id: "self";
  inboxId: string;
  address: string; // lowercase 0x address
  installationId: string; // hex Ed25519 public key
  installationKeySealed: SealedBlob;
  createdAtNs: string;
  registered: boolean;
  /** When this installation last asked its other devices for history (ms); absent: never. */
  historyRequestedAt?: number;
}

export interface KeyPackageRow {
  id: string; // hex reference (caller's key package ref, or sha256 of the public bytes)
  publicBytes: Uint8Array;
  privateSealed: SealedBlob;
  createdAtNs: string;
  /** When a welcome used it (ms); deleted once the welcome topic is read to its end. */
  spentAt?: number;
}

export interface GroupRow {
  groupId: string;
  stateSealed: SealedBlob;
  epoch: string; // decimal (bigint-safe); bound into the seal's AAD
  conversationId: string;
  updatedAt: number;
}

/** "sync": the inbox's own SYNC group (its installations only), never listed. */
export type ConversationKind = "dm" | "group" | "sync";

export interface ConversationRow {
  id: string; // hex group id
  kind: ConversationKind;
  peerInboxId?: string;
  /** A DM peer's wallet address (from its verified identity log), for display. */
  peerAddress?: string;
  dmId?: string;
  name?: string;
  createdAtNs: string;
  /** Last message time, or createdAtNs while empty: the list sorts by this. */
  lastMessageAtNs: string;
  lastMessagePreview?: string;
  lastMessageSenderInboxId?: string;
  unreadCount: number;
  /**
   * Set when a member's commit could not be applied here (issue 11 item 2, issue 12):
   * nothing of the group after it is applied and sending waits until recovery clears it.
   * Not indexed, so it needs no schema version.
   */
  outOfSync?: OutOfSyncRow;
}

export interface OutOfSyncRow {
  /** The error's stable code (e.g. "unauthorized_member") and its sentence. */
  code: string;
  reason: string;
  /** Node id (decimal) of the envelope that could not be applied; the cursor stays before it. */
  sinceNodeId: string;
  at: number; // ms
}

export type MessageStatus = "pending" | "published" | "failed";

export interface MessageRow {
  id: string; // message ID hex
  conversationId: string;
  senderInboxId: string;
  sentAtNs: string;
  contentType: string; // "authority/type:major.minor"
  encodedContent: Uint8Array;
  status: MessageStatus;
  nodeId?: string; // node envelope id (decimal), once published
}

export type IntentKind =
  | "send_message"
  | "add_members"
  | "remove_members"
  | "update_metadata"
  | "key_update"
  | "update_permissions"
  | "update_installations";
export type IntentStatus = "to_publish" | "published" | "committed" | "error";

export interface IntentRow {
  id?: number; // auto-increment: also the per-group publish order
  conversationId: string;
  kind: IntentKind;
  payload: Uint8Array;
  /** hex SHA-256 of the published bytes: how our own envelope is recognised when the node echoes it. */
  payloadHash?: string;
  /** For send_message: the message this ciphertext carries. */
  messageId?: string;
  shouldPush?: boolean;
  status: IntentStatus;
  attempts: number;
  error?: string;
  createdAt: number;
}

export interface CursorRow {
  topic: string; // "g:<groupHex>" | "w:<installationHex>"
  nodeId: string; // last applied node id, decimal
}

export const SCHEMA_V1 = {
  secrets: "id",
  identity: "id",
  keyPackages: "id, createdAtNs",
  groups: "groupId, conversationId",
  conversations: "id, lastMessageAtNs, dmId",
  // [conversationId+sentAtNs+id]: thread order with a tie-breaker so paging never skips
  // two messages with the same timestamp.
  messages: "id, [conversationId+sentAtNs+id], status",
  intents: "++id, status, [conversationId+status], payloadHash, messageId",
  cursors: "topic",
} as const;

export type ConsentState = "unknown" | "allowed" | "denied";

/** One consent record (PROTOCOL §5): the latest state for a conversation or an inbox. */
export interface ConsentRow {
  key: string; // "conversation:<hex group id>" | "inbox:<hex inbox id>"
  kind: "conversation" | "inbox";
  entityId: string; // the hex id inside the key
  state: ConsentState;
  consentedAtNs: string; // nsKey: last writer wins by this
}

/** Version 2 only adds the consent table; every v1 table and row is kept as is. */
export const SCHEMA_V2 = {
  consent: "key, [kind+state]",
} as const;
