import type { NodeClient } from "../api";
import type { CodecRegistry } from "../content";
import type { InstallationSigner } from "../mls";
import type { MessengerDb, PrefUpdate } from "../storage";
import type { GroupHandle } from "../mls";
import type { ClientTestHooks, ReceiveLog } from "./types";
import type { MessageBus } from "./message-bus";
import type { Arrivals } from "./messages/arrivals";
import type { DecodedMessage } from "./types";
import type { ConsentBus } from "./consent/consent-bus";
import type { IdentityResolver } from "./identity-resolver";
import type { Diagnostics } from "./diagnostics";
import type { ChainVerifier } from "../identity/scw";
import type { Names } from "./names/names";

/** What every part of one client shares. */
export interface ClientContext {
  db: MessengerDb;
  api: NodeClient;
  installation: InstallationSigner;
  address: string;
  resolver: IdentityResolver;
  /** Smart-contract wallet checks and block pins (ClientOptions.chainRpcUrls); absent = none. */
  chain?: ChainVerifier;
  /** The same chain RPC URLs as "chainId=url,…" ("" = none): kept for the push worker. */
  chainRpcUrls: string;
  /** ENS names (disabled without an RPC for the names chain). */
  names: Names;
  codecs: CodecRegistry;
  bus: MessageBus;
  /** Messages a thread may show before their write commits (messages/arrivals.ts). */
  arrivals: Arrivals;
  /**
   * A message this client just stored to send (still pending): the bus reports it only once
   * the node echoes it back, so the search index hears of own sends, edits, deletes here.
   */
  onOwnStored?: (m: DecodedMessage) => void;
  /** Consent records as this client stores them (Preferences.onConsentChange). */
  consent: ConsentBus;
  /** Lock names are scoped to this database so two clients in one process never share them. */
  lockPrefix: string;
  /** The node's base URL ("" = the page's origin), for the attachment store. */
  apiUrl: string;
  fetch?: typeof fetch;
  /**
   * Called (lock held) when a member asks to leave. The groups layer answers it with a
   * commit; receiving only reports it, so the receive path never depends on committing.
   */
  onLeaveRequest?: (group: GroupHandle, inboxId: string, log?: ReceiveLog) => void;
  /** What the receive path dropped, by reason (Client.diagnostics()). */
  diagnostics: Diagnostics;
  /** sender_hmac for a published message (Web Push: the node skips the sender's own devices). */
  pushSenderHmac?: (data: Uint8Array) => Promise<Uint8Array>;
  /** Reads what pushSenderHmac needs ahead of a send (someone is typing). */
  warmPushSender?: () => void;
  /** Most inboxes a group may hold (default MAX_GROUP_SIZE, 1,000). */
  maxGroupSize?: number;
  /**
   * Fork detection and recovery in the background (forks/fork-watch.ts): told when a commit
   * was applied, a fork found or healed. Absent = nothing runs in the background.
   */
  forkWatch?: {
    poke(): void;
    forkDetected(groupId: string): void;
    healed(groupId: string): void;
  };
  /** Pin / archive choices made here: sent to the inbox's other devices (DeviceSync). */
  shareConversationPrefs?: (updates: PrefUpdate[]) => Promise<void>;
  /** Messages became pending again (the receive path re-queued one): send them (send.ts). */
  resumeOutbox?: () => void;
  /** Set only by tests that crash the client at a named step (see ClientOptions.testHooks). */
  testHooks?: ClientTestHooks;
}
