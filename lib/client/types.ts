import type { ConsentState } from "../storage";
import type { ChainRpcUrlsOption } from "./chain";
import type { NamesOptions } from "./names/names";

/** Diagnostics from the receive and commit paths (no content, no keys). */
export type ReceiveLog = (event: string, detail: Record<string, unknown>) => void;

export type MessageStatus = "pending" | "published" | "failed";

/** A message as views and tests see it. */
export interface DecodedMessage {
  id: string;
  conversationId: string;
  senderInboxId: string;
  /** Node timestamp once published (others' messages always); local time while pending. */
  sentAtNs: bigint;
  contentType: string;
  /** The codec's value; for an unknown type, its fallback text. */
  content: unknown;
  fallback?: string;
  status: MessageStatus;
  /**
   * Whether the codec says this should notify and count as unread (text, replies,
   * attachments: yes; group updates, leave requests, reactions, receipts: no).
   */
  shouldPush: boolean;
  /** Deleted for everyone (its content is erased here); byAdmin: by a super admin, not the sender. */
  deleted?: { atNs: bigint; byAdmin: boolean };
  /** Disappearing messages: when this one is purged (ns); absent: it stays. */
  expiresAtNs?: bigint;
}

export interface ClientOptions {
  /** The node's base URL; "" (browser only) means this page's origin. */
  apiUrl: string;
  /** IndexedDB database name; defaults to one per wallet address. */
  dbName?: string;
  /** For Node (tests, bots): an IndexedDB implementation such as fake-indexeddb. */
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
  fetch?: typeof fetch;
  /** Most inboxes a group may hold; 1,000 by default (MAX_GROUP_SIZE). */
  maxGroupSize?: number;
  /** Timings of fork detection and recovery (issue 12); the defaults suit an app. */
  forkRecovery?: {
    checkIntervalMs?: number;
    takeoverMs?: number;
    requestEveryMs?: number;
  };
  /** For crash tests only: awaited at each step of a group commit. */
  testHooks?: ClientTestHooks;
  /**
   * JSON-RPC endpoints per chain ("1=https://…,8453=https://…" or a Map): smart-contract
   * wallet signatures (ERC-1271 / ERC-6492) are verified through them. Absent = identity
   * logs with such signatures are refused (scw_unverifiable). Public endpoints: no secrets.
   */
  chainRpcUrls?: ChainRpcUrlsOption;
  /** ENS names (client.names, newDm("alice.eth")): through chainRpcUrls' RPC for the names chain. */
  names?: NamesOptions;
}

/** The steps of a group commit: stored (not yet sent), sent (not yet merged), merged (welcome not yet sent). */
export type CommitStep = "before_publish" | "after_publish" | "after_merge";

/** The step of a send a crash test stops at: its ciphertext stored, not yet sent. */
export type SendStep = "before_publish";

export interface ClientTestHooks {
  commitStep?: (step: CommitStep) => Promise<void> | void;
  sendStep?: (step: SendStep) => Promise<void> | void;
}

/** What a conversation list shows. */
export interface ConversationSummary {
  id: string;
  kind: "dm" | "group" | "sync";
  peerInboxId?: string;
  peerAddress?: string;
  name?: string;
  lastMessagePreview?: string;
  /** Whether this installation's inbox sent the last message (the list shows "You: …"). */
  lastMessageFromMe?: boolean;
  /** Last message time, or creation time while empty. */
  lastActivityNs: bigint;
  createdAtNs: bigint;
  unreadCount: number;
  /** Effective consent: "allowed" in the inbox, "unknown" under Requests, "denied" hidden. */
  consent: ConsentState;
  syncState: SyncState;
  /** See Conversation.contested: two welcomes for this group disagree; sending waits. */
  contested: boolean;
  /** The disappearing-message timer in ns (absent: off). */
  disappearInNs?: bigint;
  /** Pinned on top of the list / moved to Archived, as chosen on any of the user's devices. */
  pinned: boolean;
  archived: boolean;
}

/** See Conversation.syncState. */
export type SyncState =
  | { state: "in_sync" }
  | { state: "out_of_sync"; code: string; reason: string; sinceNodeId: bigint };

/** The live stream's state, for a connection indicator. */
export type ConnectionState = "idle" | "connecting" | "live" | "reconnecting";
