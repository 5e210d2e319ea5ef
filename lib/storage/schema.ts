// Row shapes of the per-installation database (schema version 3: v1 + consent, rows sealed).
// IDs are lowercase hex; `...Ns` fields are 20-digit zero-padded decimal strings (see keys.ts);
// `...At` are ms numbers. `MessageRow`, `ConversationRow` and `IntentRow` are what callers
// see; on disk they are `Stored...Row` (sealed-rows.ts says what stays clear and why).

export interface SealedBlob {
  v: 1;
  nonce: Uint8Array; // 12 bytes, fresh per seal
  ct: Uint8Array; // AES-256-GCM ciphertext || tag; AAD binds the record's purpose
}

/** The device key: non-extractable AES-GCM, IndexedDB stores it as is. It only wraps the data key. */
export interface DeviceKeyRow {
  id: "wrapping_key";
  key: CryptoKey;
  createdAt: number;
}

/** How the data key is wrapped: by the device key, or by a key derived from a wallet signature. */
export type UnlockMode = "device" | "signature";

/**
 * The data key (AES-256, seals every record) as stored: its 32 raw bytes sealed under the
 * device key ("device") or under HKDF-SHA256(wallet signature, salt) ("signature": sign to unlock).
 */
export interface DataKeyRow {
  id: "data_key";
  mode: UnlockMode;
  wrapped: SealedBlob;
  /** Sign to unlock only: the random hex in the text the wallet signs, and the HKDF salt. */
  challenge?: string;
  salt?: Uint8Array;
  createdAt: number;
}

export type SecretRow = DeviceKeyRow | DataKeyRow;

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
  /** Web Push preferences (storage/push-prefs.ts). Not indexed, so it needs no schema version. */
  push?: PushPrefsRow;
  /**
   * Pinned and archived conversations (storage/conversation-prefs.ts), by conversation id (a
   * DM's dm: id, so its duplicate groups share them). Not indexed: no schema version.
   */
  conversationPrefs?: Record<string, ConversationPrefRow>;
  /** Invite links this inbox made (storage/invites.ts), by invite id. Not indexed. */
  invites?: Record<string, InviteRow>;
  /** Invites this installation asked to join with, by invite id. Not indexed. */
  joins?: Record<string, JoinRow>;
}

/**
 * An invite link made by one of this inbox's devices. The token holds its fixed terms;
 * revocation and uses grow only (earliest time kept), so devices merge them in any order.
 */
export interface InviteRow {
  token: string;
  inviteId: string;
  groupId: string;
  createdAtNs: string;
  expiresAtNs: string;
  maxUses: number;
  revokedAtNs?: string;
  /** Inboxes added through it, with when (each counts one use, however often it asked). */
  usedBy: Record<string, string>;
}

/** A join request this installation sent: waiting until the group arrives, or refused. */
export interface JoinRow {
  token: string;
  inviteId: string;
  groupId: string;
  inviterInboxId: string;
  /** The admins the request went to (the link's list); absent on older rows: the inviter. */
  admins?: string[];
  requestedAtNs: string;
  /** An admin's device answered no (a JoinRefusal code). */
  refused?: string;
}

/** One conversation's list choices, each with the time it was made (last writer wins). */
export interface ConversationPrefRow {
  pinned?: PrefChoice;
  archived?: PrefChoice;
}

export interface PrefChoice {
  on: boolean;
  /** 20-digit ns key of when it was chosen. */
  atNs: string;
}

export interface PushPrefsRow {
  /** The inbox's push HMAC root key (libxmtp's hmac_key), sealed; shared with its devices. */
  rootKeySealed: SealedBlob;
  rootKeyAtNs: string;
  enabled: boolean;
  enabledAtNs: string;
  /** Mute choices by conversation id (a DM's dm: id), each with its time. */
  mutes: Record<string, { muted: boolean; atNs: string }>;
  /** This installation's registered push subscription endpoint (absent: none). */
  endpoint?: string;
  /**
   * How the service worker reaches the node that pushes (it cannot read the page's
   * localStorage): the node URL and chain RPC URLs this installation registered with.
   */
  worker?: PushWorkerSettings;
}

export interface PushWorkerSettings {
  /** The node's base URL ("" = the app's origin). */
  apiUrl: string;
  /** "chainId=url,…" for smart-contract wallet checks ("" = none). */
  chainRpcUrls: string;
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
  /** The whole state (v1-v3 rows), or from v4 its main part when `epochStamp` is set. */
  stateSealed: SealedBlob;
  epoch: string; // decimal (bigint-safe); bound into the seal's AAD
  conversationId: string;
  updatedAt: number;
  /** Random per write (v4): a tab keeping the decoded state in memory compares it to see another tab's save. */
  stamp?: string;
  /** The GroupEpochRow this main part goes with (its stamp is bound into both seals' AAD). */
  epochStamp?: string;
}

/**
 * The big, slow-changing part of a group's state (v4): its ratchet tree and retained past
 * epochs, rewritten only when they change (a commit, a message from a past epoch), never on
 * an ordinary send.
 */
export interface GroupEpochRow {
  groupId: string;
  stamp: string;
  epoch: string;
  dataSealed: SealedBlob;
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
  /**
   * Set while two welcomes for this group id disagree and none is confirmed yet (issue 11
   * item 9, lineages.ts): sending waits. Not indexed, so it needs no schema version.
   */
  contested?: { since: number };
  /**
   * The disappearing-message timer in force (mirrors the group's metadata, issue 17 item 2),
   * as 20-digit ns keys: new messages get `expiresAtNs` from it. Absent: off.
   */
  disappearing?: { fromNs: string; inNs: string };
  /** When the message the preview shows disappears (20-digit ns key); absent: never. */
  lastMessageExpiresAtNs?: string;
}

export interface OutOfSyncRow {
  /** The error's stable code (e.g. "unauthorized_member") and its sentence. */
  code: string;
  reason: string;
  /** Node id (decimal) of the envelope that could not be applied; the cursor stays before it. */
  sinceNodeId: string;
  at: number; // ms
}

/** The conversation fields sealed one by one (each can change on its own, see sealed-rows.ts). */
export type SealedConversationField =
  "peerAddress" | "name" | "lastMessagePreview" | "lastMessageSenderInboxId";

export interface StoredConversationRow extends Omit<ConversationRow, SealedConversationField> {
  sealed: Partial<Record<SealedConversationField, SealedBlob>>;
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
  /**
   * Deleted for everyone (xmtp.org/deleteMessage): the content is erased (encodedContent is
   * empty) and this mark is all that is left. Not indexed, so it needs no schema version.
   */
  deleted?: MessageDeletion;
  /**
   * Disappearing messages (issue 17 item 2): when this message is purged (20-digit ns key,
   * its send time + the timer in force when it was stored). Indexed from v7; absent: kept.
   */
  expiresAtNs?: string;
}

export interface MessageDeletion {
  /** When the deletion was sent (node time, 20-digit key like sentAtNs). */
  atNs: string;
  /** A super admin deleted someone else's message (else the sender deleted their own). */
  byAdmin: boolean;
}

/** senderInboxId, contentType and encodedContent live in `sealed` (one blob: they never change). */
export interface StoredMessageRow extends Omit<
  MessageRow,
  "senderInboxId" | "contentType" | "encodedContent"
> {
  sealed: SealedBlob;
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
  /** For a group commit: what finishing it after a crash needs (see commit-intents.ts). */
  commit?: CommitIntentState;
}

/**
 * A group commit's intent, stored with it before the commit is published: the state the
 * commit leads to (sealed) until it is merged or discarded, the welcome and its recipients
 * until they are sent, and the change itself so a lost commit can be planned again.
 */
/** Who a commit's welcome goes to, and how (lib/mls/welcome-recipient.ts). */
export interface WelcomeRecipientRow {
  installationKey: Uint8Array;
  hpkePublicKey: Uint8Array;
  /** Absent: CURVE25519 to the init key. */
  wrapper?: "curve25519" | "xwing";
  /** It reads welcome pointers (lib/mls/welcome-pointer.ts). */
  pointers?: true;
}

export interface CommitIntentState {
  /** Epoch the commit was made in (decimal). */
  fromEpoch: string;
  /** Sealed encoded group state after the commit; dropped once merged or discarded. */
  stateSealed?: SealedBlob;
  /** Hex epoch authenticator of that state: tells "merged before the crash" from "lost". */
  authenticator: string;
  /** The change as data (lib/client/groups/change.ts). */
  change: unknown;
  welcome?: Uint8Array;
  welcomeTo?: WelcomeRecipientRow[];
  /** Where it stands: "prepared" (maybe published), "merged" (welcomes not yet sent), "lost" (to plan again). */
  phase: "prepared" | "merged" | "lost";
}

/** The payload is sealed; "sealing" marks a row whose id exists but whose payload is not yet written. */
export interface StoredIntentRow extends Omit<IntentRow, "payload" | "status"> {
  payloadSealed?: SealedBlob;
  /**
   * Commit intents only: the MLS commit exactly as published, kept in clear so the row is
   * written in one step before publishing (crash safety). It is public ciphertext the node
   * stores anyway; the state it leads to is sealed in `commit`.
   */
  payload?: Uint8Array;
  status: IntentStatus | "sealing";
  /** "message": the payload's seal names the message id (sendIntentPurpose), not the row's id. */
  sealedTo?: "message";
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

/**
 * Version 3 keeps every index (they name only clear fields) and converts each clear message,
 * conversation and intent to its sealed form (migrate-v3.ts), re-sealing the old records
 * under the new data key.
 */
export const SCHEMA_V3 = {} as const;

/**
 * Version 4 adds `groupEpochs`: a group's state is saved as a small main part (`groups`,
 * rewritten on every send) and its ratchet tree with past epochs (`groupEpochs`, rewritten
 * only when they change). Rows of v3 keep their whole state and are split on their next save.
 */
export const SCHEMA_V4 = {
  groupEpochs: "groupId",
} as const;

/**
 * One epoch of a group's commit log as this installation knows it (issue 12): "local" =
 * the epoch authenticator this installation reached (and, for a super admin, the signed
 * entry it publishes); "remote" = the authenticator the group's published log names for
 * that epoch, kept until this installation reaches the epoch and compares. Public data
 * (the node stores the entries anyway), so nothing here is sealed.
 */
export interface CommitLogRow {
  key: string; // `${groupId}:${side}:${nsKey(epoch)}`
  groupId: string;
  side: "local" | "remote";
  epoch: string; // decimal
  authenticator: string; // hex
  /** Node id (decimal) of the envelope that carried the commit. */
  commitSequenceId: string;
  /** Local rows a super admin publishes: 1 until the node took them (a number: Dexie indexes no booleans). */
  toPublish: 0 | 1;
  entry?: Uint8Array;
  signature?: Uint8Array;
  signerPublicKey?: Uint8Array;
  /**
   * DMs only (no group signer, forks/dm-log.ts): the authenticator of the epoch the commit
   * started from, so entries are compared only with commits made from the same state.
   */
  parentAuthenticator?: string;
}

/** Where this installation stands in reading one group's published commit log. */
export interface CommitLogChainRow {
  groupId: string;
  /** The log's sequence id read up to (exclusive cursor of BatchQueryCommitLog). */
  readCursor: string;
  /** The chain of entries accepted so far (libxmtp's rule: each extends the previous). */
  lastCommitSequenceId: string;
  lastEpoch: string;
  lastAuthenticator: string; // hex, "" before the first entry
  /** Epochs below this are not compared (the state was replaced by a re-add welcome). */
  baselineEpoch: string;
  /**
   * Per installation (hex), the requested_at (ns, decimal) of the newest re-add request this
   * installation saw answered: a request made at or before it is spent (a replay).
   */
  servedReadds?: Record<string, string>;
}

/** Version 5: the commit log, local and remote, and each group's read position. */
export const SCHEMA_V5 = {
  commitLog: "key, groupId, toPublish",
  commitLogChains: "groupId",
} as const;

/**
 * One welcome this installation opened for a group id (issue 11 item 9): a "lineage" of
 * that id, keyed by the SHA-256 of the welcome's bytes. The active one's state lives in
 * `groups`; a candidate keeps its own two states (sealed): as the welcome opened it (to
 * replay the topic from if it wins) and as advanced over the topic (to see what it decrypts).
 */
export interface LineageRow {
  groupId: string;
  lineageId: string;
  role: "active" | "candidate";
  /** Inbox that signed the welcome (authenticated by the welcome's signature). */
  adderInboxId: string;
  /** What proved it is the user's group: our own installation added us, spoke in it, or reported its authenticator. */
  confirmedBy?: "own_welcome" | "own_message" | "own_device";
  /** Epoch (decimal) -> hex epoch authenticator, for the last epochs it reached. */
  authenticators: Record<string, string>;
  /** A claim from our other device for an epoch no lineage reached yet (active row only). */
  pendingClaim?: { epoch: string; authenticator: string };
  joinedSealed?: SealedBlob;
  joinedEpoch?: string;
  probeSealed?: SealedBlob;
  probeEpoch?: string;
  createdAt: number;
}

/** Version 6: the welcome lineages of a group id. */
export const SCHEMA_V6 = {
  welcomeLineages: "[groupId+lineageId], groupId",
} as const;

/**
 * A cached name lookup (ENS): `key` is the SHA-256 (hex) of "address:<0x…>" or "name:<name>",
 * so the table does not list who was looked up; the answer is sealed like every other row.
 */
export interface NameCacheRow {
  key: string;
  sealed: SealedBlob;
  /** ms since epoch: after this the answer is asked again. */
  expiresAt: number;
}

/** Version 7: the ENS name cache (issue 16 part 3). */
export const SCHEMA_V7 = {
  names: "key, expiresAt",
} as const;

/**
 * Version 8 (issue 17): messages are indexed by when they disappear, so the purge and its
 * next wake-up are one index range (rows without `expiresAtNs` are not in the index).
 */
export const SCHEMA_V8 = {
  messages: "id, [conversationId+sentAtNs+id], status, expiresAtNs",
} as const;

/**
 * A broadcast job (lib/client/broadcast): its recipients, message and each recipient's state,
 * sealed as one JSON blob; only the id and start time are in the clear.
 */
export interface BroadcastRow {
  id: string;
  /** ms since epoch. */
  createdAt: number;
  sealed: SealedBlob;
}

/** Version 9 (issue 17): broadcasts survive a reload. */
export const SCHEMA_V9 = {
  broadcasts: "id, createdAt",
} as const;
