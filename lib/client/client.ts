import { Dexie } from "dexie";
import { NodeClient } from "../api";
import { toHex } from "../crypto";
import { defaultRegistry, type CodecRegistry } from "../content";
import type { Signer } from "../signer";
import {
  getHistoryRequestedAt,
  loadIdentity,
  loadPushWorkerSettings,
  MessengerDb,
  setHistoryRequestedAt,
  type Identity,
} from "../storage";
import type { ClientContext } from "./context";
import { Conversations } from "./conversations/conversations";
import { ClientError, normalizeAddress } from "./errors";
import { IdentityResolver } from "./identity-resolver";
import { chainVerifierFor, checkSignerChain, rpcUrlsOf, verifyOptionsFor } from "./chain";
import { namesFor, type Names } from "./names/names";
import { verifiedInboxIds } from "./inbox-lookup";
import { loadAttachment } from "./messages/attachments";
import { DeviceSync } from "./devices/device-sync";
import { Invites } from "./invites/invites";
import {
  installationsOf,
  isRevoked,
  revokeInstallations,
  type InstallationInfo,
} from "./devices/installations";
import type { Attachment, RemoteAttachment } from "../content";
import { ensureKeyPackage } from "./devices/key-packages";
import {
  asClientError,
  disableSignToUnlock,
  enableSignToUnlock,
  unlockStatus,
  unlockWithWallet,
} from "./devices/sign-to-unlock";
import { MessageBus } from "./message-bus";
import { Arrivals, type Arrival } from "./messages/arrivals";
import { Purger } from "./disappearing/purger";
import { keepArchives } from "./organize/archive-keeper";
import { Diagnostics } from "./diagnostics";
import { Broadcasts } from "./broadcast";
import { ConsentBus } from "./consent/consent-bus";
import { honourLeaveRequest } from "./groups/leave";
import { recoverCommits } from "./groups/commit";
import { Preferences } from "./consent/preferences";
import { PushNotifications } from "./push/push-notifications";
import { readPushedMessage } from "./push/pushed-message";
import { genericNotice, noticeOf, type PushNotice } from "./push/push-notice";
import type { ReceiveLog } from "./types";
import { loadOrRegisterInstallation } from "./devices/registration";
import { resumeOutbox, retryFailed } from "./messages/send";
import { StreamEngine } from "./messages/stream";
import { ForkWatch, type ForkStats } from "./forks/fork-watch";
import { search, SearchIndex, type SearchGroup, type SearchOptions } from "./search";
import type { ClientOptions, ConnectionState, DecodedMessage } from "./types";
import { Backups } from "./backup/backups";

type CreateOptions = ClientOptions & { log?: ReceiveLog; codecs?: CodecRegistry };
type RestoreOptions = CreateOptions & {
  /** Sign to unlock is on: the wallet that signs the unlock text (one signature). */
  unlock?: Signer;
};

function openDb(address: string, opts: ClientOptions): { db: MessengerDb; dbName: string } {
  const dbName = opts.dbName ?? `messenger-${address}`;
  const db = new MessengerDb(dbName, {
    ...(opts.indexedDB ? { indexedDB: opts.indexedDB } : {}),
    ...(opts.IDBKeyRange ? { IDBKeyRange: opts.IDBKeyRange } : {}),
  });
  return { db, dbName };
}

/**
 * The facade every view and test uses (shaped like XMTP's SDKs).
 * `Client.create` reuses this database's installation when it has one: no
 * signature, no new installation. A first run costs exactly one signature.
 */
export class Client {
  readonly conversations: Conversations;
  /** Consent (allowed / denied / unknown) for conversations and inboxes. */
  readonly preferences: Preferences;
  /** The inbox's SYNC group: consent across devices, and history for a new device. */
  readonly deviceSync: DeviceSync;
  /** Web Push: the node subscription, per-conversation mutes and the switch (synced). */
  readonly push: PushNotifications;
  /** One message to many people, each in their own DM (paced, with a report). */
  readonly broadcasts: Broadcasts;
  /** Invite links for groups: make, list, revoke; open one and ask to join. */
  readonly invites: Invites;
  /** The whole local history to a passphrase-sealed file and back (backups.export / restore). */
  readonly backups: Backups;
  private readonly engine: StreamEngine;
  private readonly forkWatch: ForkWatch;
  private readonly purger: Purger;
  private readonly searchIndex: SearchIndex;

  private constructor(
    private readonly ctx: ClientContext,
    private readonly dbName: string,
    private readonly log?: ReceiveLog,
    forkRecovery?: ClientOptions["forkRecovery"],
  ) {
    this.engine = new StreamEngine(ctx, log);
    this.forkWatch = new ForkWatch(ctx, forkRecovery, log);
    ctx.forkWatch = this.forkWatch;
    this.purger = new Purger(ctx, log);
    this.searchIndex = new SearchIndex(ctx);
    this.conversations = new Conversations(ctx, this.engine, log);
    this.preferences = new Preferences(ctx);
    this.broadcasts = new Broadcasts(ctx, this.conversations);
    // The stored broadcasts' reports show after a reload (the leader also resumes them).
    void this.broadcasts
      .restore()
      .catch((err: unknown) =>
        log?.("broadcast_restore_failed", { error: (err as Error).message }),
      );
    this.deviceSync = new DeviceSync(ctx, this.preferences, () => this.conversations.sync(), log);
    this.push = new PushNotifications(ctx, (prefs) => this.deviceSync.sharePushPrefs(prefs));
    this.deviceSync.onPushPrefs = (prefs) => this.push.merge(prefs);
    this.invites = new Invites(
      ctx,
      this.conversations,
      (invites) => this.deviceSync.shareInvites(invites),
      log,
    );
    this.deviceSync.onInvites = (invites) => this.invites.merge(invites);
    this.backups = new Backups(ctx, {
      mutes: async () => (await this.push.synced()).mutes,
      mergeMutes: (mutes) => this.push.mergeMutes(mutes),
      applyConsent: (records) => this.preferences.applyConsentRecords(records),
      historyImported: () => this.searchIndex.close(),
    });
    this.deviceSync.inviteSnapshot = () => this.invites.snapshot();
    // Imported history reaches the store without the bus: the next search builds afresh.
    this.deviceSync.onHistoryStateChange((s) => s.phase === "done" && this.searchIndex.close());
    ctx.pushSenderHmac = (data) => this.push.senderHmacFor(data);
    ctx.warmPushSender = () => void this.push.senderRootKey().catch(() => undefined);
    ctx.shareConversationPrefs = (updates) => this.deviceSync.shareConversationPrefs(updates);
    keepArchives(ctx, log);
  }

  private static build(
    db: MessengerDb,
    dbName: string,
    identity: Identity,
    opts: CreateOptions,
  ): Client {
    const api = new NodeClient(opts.apiUrl, {}, opts.fetch);
    api.setInboxId(identity.inboxId);
    const chain = chainVerifierFor(opts.chainRpcUrls);
    const rpcUrls = rpcUrlsOf(opts.chainRpcUrls);
    const names = namesFor(db, rpcUrls, opts.names);
    const ctx: ClientContext = {
      db,
      api,
      address: identity.address,
      installation: {
        inboxId: identity.inboxId,
        publicKey: identity.installationPublicKey,
        privateKey: identity.installationPrivateKey,
      },
      resolver: new IdentityResolver(api, verifyOptionsFor(chain)),
      ...(chain ? { chain } : {}),
      chainRpcUrls: [...rpcUrls].map(([id, url]) => `${id}=${url}`).join(","),
      names,
      codecs: opts.codecs ?? defaultRegistry(),
      bus: new MessageBus(),
      arrivals: new Arrivals(),
      consent: new ConsentBus(),
      lockPrefix: dbName,
      diagnostics: new Diagnostics(),
      apiUrl: opts.apiUrl,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      ...(opts.maxGroupSize !== undefined ? { maxGroupSize: opts.maxGroupSize } : {}),
      ...(opts.testHooks ? { testHooks: opts.testHooks } : {}),
    };
    ctx.onLeaveRequest = (group, inboxId, log) => honourLeaveRequest(ctx, group, inboxId, log);
    ctx.resumeOutbox = () => void resumeOutbox(ctx).catch(() => undefined);
    return new Client(ctx, dbName, opts.log, opts.forkRecovery);
  }

  /** Registers (one signature) or reuses this database's installation, then syncs its key package. */
  static async create(signer: Signer, opts: CreateOptions): Promise<Client> {
    const address = normalizeAddress((await signer.getIdentifier()).identifier);
    const chain = chainVerifierFor(opts.chainRpcUrls);
    checkSignerChain(signer, chain);
    const { db, dbName } = openDb(address, opts);
    const api = new NodeClient(opts.apiUrl, {}, opts.fetch);
    await unlockWithWallet(db, address, signer); // only asks when sign to unlock is on
    const identity = await loadOrRegisterInstallation(db, api, signer, chain);
    const client = Client.build(db, dbName, identity, opts);
    await ensureKeyPackage(client.ctx);
    await resumeOutbox(client.ctx);
    // A commit a crash interrupted is finished before the groups are used again.
    await recoverCommits(client.ctx, opts.log).catch((err: unknown) =>
      opts.log?.("commit_recovery_failed", { error: (err as Error).message }),
    );
    return client;
  }

  /**
   * Opens the installation this database already holds, with no wallet and no
   * network: what a reload uses, so cached conversations show at once (even offline).
   * Call `startSync()` to reach the node. With sign to unlock on, pass `unlock` (the wallet):
   * without it this fails with `store_locked`.
   */
  static async restore(address: string, opts: RestoreOptions): Promise<Client> {
    const normalized = normalizeAddress(address);
    const { db, dbName } = openDb(normalized, opts);
    let identity: Identity | undefined;
    try {
      if (opts.unlock) await unlockWithWallet(db, normalized, opts.unlock);
      identity = await loadIdentity(db);
    } catch (err) {
      db.close();
      throw asClientError(err);
    }
    if (!identity?.registered || identity.address !== normalized) {
      db.close();
      throw new ClientError(
        "not_registered",
        `this browser holds no activated installation for ${normalized}`,
      );
    }
    return Client.build(db, dbName, identity, opts);
  }

  /**
   * `restore` for the service worker, which has no localStorage: it reaches the node (and
   * the chain RPCs) this installation registered its push subscription with. Sign to unlock
   * on: fails with `store_locked` (the wallet is not there to unlock it).
   */
  static async restoreForPush(
    address: string,
    opts: Pick<ClientOptions, "dbName" | "indexedDB" | "IDBKeyRange" | "fetch"> & {
      log?: ReceiveLog;
    } = {},
  ): Promise<Client> {
    const normalized = normalizeAddress(address);
    const { db } = openDb(normalized, { ...opts, apiUrl: "" });
    let settings;
    try {
      settings = await loadPushWorkerSettings(db);
    } finally {
      db.close();
    }
    return Client.restore(normalized, {
      ...opts,
      apiUrl: settings?.apiUrl ?? "",
      chainRpcUrls: settings?.chainRpcUrls ?? "",
    });
  }

  /**
   * What the notification for a pushed message says (the service worker's question). When the
   * message can be read here it is decrypted AND stored exactly as the receive path stores it,
   * under the group's lock, so the app later shows it without decrypting again; otherwise the
   * notice is a generic one for that conversation (push/pushed-message.ts says when).
   */
  async pushNotice(
    conversationId: string,
    nodeId: bigint,
    opts: { maxCatchUp?: number } = {},
  ): Promise<PushNotice> {
    const conversation = await this.conversations.getById(conversationId);
    if (!conversation || conversation.kind === "sync")
      return genericNotice(conversationId, "unknown_conversation");
    // The node never pushes these; if it did, nothing of them is read or shown.
    if ((await this.preferences.conversationConsent(conversationId)) !== "allowed")
      return genericNotice(conversationId, "not_allowed");
    if (await this.push.isMuted(conversationId)) return genericNotice(conversationId, "muted");
    const read = await readPushedMessage(this.ctx, conversationId, nodeId, {
      ...opts,
      ...(this.log ? { log: this.log } : {}),
    });
    const sender =
      read.kind === "message" ? (await this.addressesOf(read.message.senderInboxId))[0] : undefined;
    return noticeOf(read, conversation.summary(), sender);
  }

  get inboxId(): string {
    return this.ctx.installation.inboxId;
  }

  /** ENS names: `nameOf(address)` (forward-verified, cached), `resolve("alice.eth")`. */
  get names(): Names {
    return this.ctx.names;
  }

  /** Hex of this installation's Ed25519 public key. */
  get installationId(): string {
    return toHex(this.ctx.installation.publicKey);
  }

  /** Envelopes and messages the receive path dropped since start, by reason (an error code). */
  diagnostics(): Record<string, number> {
    return this.ctx.diagnostics.snapshot();
  }

  get address(): string {
    return this.ctx.address;
  }

  /**
   * The wallet addresses an inbox holds, from its verified identity log (cached after
   * the first lookup); [] when the inbox has no log or the node cannot be reached.
   */
  async addressesOf(inboxId: string): Promise<string[]> {
    if (inboxId === this.inboxId) return [this.address];
    const state = await this.ctx.resolver.state(inboxId).catch(() => undefined);
    return state ? [...state.addresses.keys()] : [];
  }

  /** This inbox's devices, newest first, from its verified identity log. */
  installations(): Promise<InstallationInfo[]> {
    return installationsOf(this.ctx);
  }

  /** Revokes other devices of this inbox (one wallet signature) and removes them from every conversation. */
  revokeInstallations(signer: Signer, installationIds: string[]): Promise<void> {
    return revokeInstallations(this.ctx, signer, installationIds, this.log);
  }

  /** Revokes every installation of this inbox except this one. */
  async revokeAllOtherInstallations(signer: Signer): Promise<void> {
    const others = (await this.installations()).filter((i) => !i.current).map((i) => i.id);
    await this.revokeInstallations(signer, others);
  }

  /** Whether another device revoked this one (it can then neither send nor read). */
  isRevoked(): Promise<boolean> {
    return isRevoked(this.ctx);
  }

  /** Downloads, verifies (length, SHA-256) and decrypts a remote attachment someone sent. */
  loadAttachment(remote: RemoteAttachment, opts?: { signal?: AbortSignal }): Promise<Attachment> {
    return loadAttachment(this.ctx, remote, opts);
  }

  /** Whether sign to unlock is on for this browser's store. */
  async signToUnlockEnabled(): Promise<boolean> {
    return (await unlockStatus(this.ctx.db)).mode === "signature";
  }

  /**
   * Turns sign to unlock on: from now on, opening these messages on this browser needs the
   * wallet's signature. The wallet signs twice; one that signs non-deterministically is refused.
   */
  enableSignToUnlock(signer: Signer): Promise<void> {
    return enableSignToUnlock(this.ctx.db, this.address, signer);
  }

  /** Turns sign to unlock off: a reload opens the store with this browser's device key again. */
  disableSignToUnlock(): Promise<void> {
    return disableSignToUnlock(this.ctx.db);
  }

  /** Whether each address has activated messaging (lowercased address → boolean). */
  async canMessage(addresses: string[]): Promise<Map<string, boolean>> {
    const normalized = addresses.map((a) => normalizeAddress(a));
    const found = await verifiedInboxIds(this.ctx.api, this.ctx.resolver, normalized);
    return new Map(normalized.map((a) => [a, found.has(a)]));
  }

  /**
   * Starts talking to the node: key package, outbox, a catch-up sync and the live
   * stream. One tab should do this (the app elects a leader with a Web Lock);
   * the others see the same data through the database. Returns a stop function.
   */
  startSync(onError?: (stage: string, err: unknown) => void): () => void {
    // Each time the stream is live again (node back), queued messages go out.
    const unwatch = this.engine.onConnectionChange((state) => {
      if (state === "live") void retryFailed(this.ctx).catch((err) => onError?.("outbox", err));
    });
    this.engine.acquire();
    this.forkWatch.start();
    // What disappeared while the app was closed goes first, then each message on time.
    void this.purger.start().catch((err) => onError?.("disappearing", err));
    void (async () => {
      for (const [stage, job] of [
        ["key_package", () => ensureKeyPackage(this.ctx)],
        ["outbox", () => resumeOutbox(this.ctx)],
        ["commits", () => recoverCommits(this.ctx, this.log)],
        ["sync", () => this.conversations.sync()],
        // After the outbox: a part a reload cut short is published (or failed) by then.
        ["broadcasts", () => this.broadcasts.resume()],
        ["device_sync", () => this.startDeviceSync()],
        // Conversations two welcomes disagree about: the other devices settle them.
        ["lineages", () => this.deviceSync.askAboutContested()],
        // Conversations that arrived while away (e.g. a DM with someone already allowed).
        ["push", () => this.push.syncTopics()],
      ] as const) {
        try {
          await job();
        } catch (err) {
          onError?.(stage, err);
        }
      }
    })();
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      unwatch();
      this.forkWatch.stop();
      this.purger.stop();
      this.engine.release();
    };
  }

  /**
   * Joins (or makes) the SYNC group; a device with no messages yet asks the inbox's
   * other devices for history (the app shows deviceSync's progress).
   */
  private async startDeviceSync(): Promise<void> {
    await this.deviceSync.ensureGroup((id) => this.engine.addGroup(id));
    if ((await getHistoryRequestedAt(this.ctx.db)) !== undefined) return; // asked once already
    const others = (await this.installations()).filter((i) => !i.current);
    if (others.length === 0) return; // the inbox's first device: nothing to ask for
    await setHistoryRequestedAt(this.ctx.db, Date.now());
    await this.deviceSync.requestHistory().catch(() => undefined); // its state says why
  }

  get connection(): ConnectionState {
    return this.engine.connection;
  }

  onConnectionChange(listener: (s: ConnectionState) => void): () => void {
    return this.engine.onConnectionChange(listener);
  }

  /** Messages as they are stored by this client (sent or received); returns an unsubscribe. */
  onMessage(listener: (m: DecodedMessage) => void): () => void {
    return this.ctx.bus.subscribe(listener);
  }

  /**
   * Messages a thread may show before they are stored (decrypted and accepted, or typed here),
   * and their withdrawal when the write stores nothing: see messages/arrivals.ts.
   */
  onArrival(listener: (a: Arrival) => void): () => void {
    return this.ctx.arrivals.subscribe(listener);
  }

  /**
   * One round of fork detection and recovery now (startSync runs them by itself): publish
   * this device's commit-log entries, ask to be re-added where out of sync, read the
   * groups' logs, answer others' re-add requests.
   */
  checkCommitLog(): Promise<void> {
    return this.forkWatch.check();
  }

  /** Forks this client detected and healed, re-adds it asked for and made (since start). */
  forkStats(): ForkStats {
    return { ...this.forkWatch.stats };
  }

  /**
   * Deletes the disappearing messages that are due now (startSync keeps doing it on time;
   * a tab that does not sync only hides them).
   */
  purgeExpiredMessages(): Promise<void> {
    return this.purger.purgeNow();
  }

  /**
   * Searches this device's history (offline too): messages whose words contain `query`, case
   * and accents ignored, grouped by conversation, newest first. The first search opens the
   * stored messages into memory; new, edited and deleted messages keep it current. An empty
   * query finds nothing; one over 200 characters is refused (invalid_argument).
   */
  search(query: string, opts?: SearchOptions): Promise<SearchGroup[]> {
    return search(this.searchIndex, this.conversations, query, opts);
  }

  /** Stops streams and closes the database. */
  async close(): Promise<void> {
    this.searchIndex.dispose();
    this.purger.stop();
    this.forkWatch.stop();
    this.engine.release();
    await this.forkWatch.idle();
    await this.engine.stopped().catch(() => undefined);
    this.ctx.db.close();
  }

  /** "Delete local data": this browser forgets the installation, its keys and messages. */
  async deleteLocalData(): Promise<void> {
    await this.close();
    await Dexie.delete(this.dbName);
  }
}
