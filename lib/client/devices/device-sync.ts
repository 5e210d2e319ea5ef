// The inbox's SYNC group: an MLS group of this inbox's own installations (immutable
// metadata type SYNC, so nobody else can join). Through it the devices keep consent in
// step and hand a new device its history: it asks; another device adds it to every
// conversation, exports an archive, encrypts it with a fresh key, uploads the ciphertext to
// the attachment store and replies with the URL and the key; the new device imports it.
import { downloadAttachment, uploadAttachment } from "../../api";
import { fromHex, randomBytes, toHex } from "../../crypto";
import {
  ContentTypeDeviceSync,
  contentTypeToString,
  type DeviceSyncContent,
  type LineageClaim,
  type SyncedConsentRecord,
  type SyncedInvite,
  type SyncedPushPrefs,
} from "../../content";
import { createGroup, epochAuthenticator, isActive } from "../../mls";
import {
  contestedConversationIds,
  getConversation,
  listConversations,
  loadConversationPrefs,
  mergeConversationPrefs,
  prefUpdatesOf,
  upsertConversation,
  type ConsentRecord,
  type PrefUpdate,
} from "../../storage";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";
import { syncGroupInstallations } from "../groups/installations";
import { loadGroup, saveGroup, withGroupLock } from "../groups/state";
import { takeAdoptedGroups, weighClaim } from "../groups/lineages";
import { replayTopicLocked } from "../messages/receive";
import {
  exportArchive,
  HistoryError,
  importArchive,
  openArchive,
  sealArchive,
} from "./history-archive";
import type { Preferences } from "../consent/preferences";
import type { ReceiveLog } from "../types";
import { resumeOutbox, sendContent } from "../messages/send";
import type { DecodedMessage } from "../types";

const DEVICE_SYNC = contentTypeToString(ContentTypeDeviceSync);
const nowNs = () => BigInt(Date.now()) * 1_000_000n;

export type HistorySyncState =
  | { phase: "idle" }
  | { phase: "requesting" }
  | { phase: "waiting" }
  | { phase: "downloading" }
  | { phase: "importing" }
  | { phase: "done"; conversations: number; messages: number }
  | { phase: "failed"; reason: string };

const entityKey = (r: ConsentRecord) =>
  r.entity.kind === "conversation" ? `c:${r.entity.id}` : `i:${r.entity.inboxId}`;

export class DeviceSync {
  private state: HistorySyncState = { phase: "idle" };
  private readonly stateListeners = new Set<(s: HistorySyncState) => void>();
  /** Requests this device made: their replies are ours to import. */
  private readonly waiting = new Map<
    string,
    (reply: Extract<DeviceSyncContent, { kind: "history_reply" }>) => void
  >();
  /** Lineage requests this device sent: not answered by itself. */
  private readonly asked = new Set<string>();
  /** Requests this device already answered (the same request can come through two groups). */
  private readonly answered = new Set<string>();
  /** Told when another device shares its push preferences (lib/client/push). */
  onPushPrefs?: (prefs: SyncedPushPrefs) => Promise<void>;
  /** Told when another device shares its invite links (lib/client/invites). */
  onInvites?: (invites: SyncedInvite[]) => Promise<void>;
  /** Every invite link this device knows, for a new device of the inbox. */
  inviteSnapshot?: () => Promise<SyncedInvite[]>;
  /** Consent records that came from another device: not sent back. */
  private readonly fromPeers = new Set<string>();

  constructor(
    private readonly ctx: ClientContext,
    private readonly preferences: Preferences,
    private readonly joinConversations: () => Promise<void>,
    private readonly log?: ReceiveLog,
  ) {
    ctx.bus.subscribe((m) => {
      if (m.contentType !== DEVICE_SYNC) return;
      // Out of the receive path (which holds the group's lock) before doing anything.
      setTimeout(
        () => void this.onMessage(m).catch((err: unknown) => this.fail("message", err)),
        0,
      );
    });
    preferences.onConsentChange((r) => {
      const key = `${entityKey(r)}:${r.consentedAtNs}`;
      if (this.fromPeers.delete(key)) return;
      void this.broadcast({ kind: "consent", records: [toSynced(r)] }).catch((err: unknown) =>
        this.fail("consent", err),
      );
    });
  }

  get historyState(): HistorySyncState {
    return this.state;
  }

  onHistoryStateChange(listener: (s: HistorySyncState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private setState(s: HistorySyncState): void {
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }

  private fail(stage: string, err: unknown): void {
    this.log?.("device_sync_failed", { stage, error: (err as Error).message });
  }

  /** The SYNC groups this installation is in (usually one per device of the inbox). */
  private async groups(): Promise<string[]> {
    const out: string[] = [];
    for (const row of await listConversations(this.ctx.db)) {
      if (row.kind !== "sync") continue;
      const g = await loadGroup(this.ctx, row.id);
      if (g && isActive(g)) out.push(row.id);
    }
    return out;
  }

  /** This device's SYNC group, made (with the inbox's other installations) when it has none. */
  async ensureGroup(onNew?: (groupId: string) => void): Promise<string> {
    const existing = await this.groups();
    if (existing.length > 0) return existing[0]!;
    const self = this.ctx.installation.inboxId;
    const group = await createGroup({
      signer: this.ctx.installation,
      metadata: { conversationType: "sync", creatorInboxId: self },
    });
    const groupId = toHex(group.groupId);
    await withGroupLock(this.ctx, groupId, () => saveGroup(this.ctx, group));
    if (!(await getConversation(this.ctx.db, groupId)))
      await upsertConversation(this.ctx.db, { id: groupId, kind: "sync", createdAtNs: nowNs() });
    onNew?.(groupId);
    // The other installations join the way any new device joins a conversation.
    await syncGroupInstallations(this.ctx, groupId, this.log);
    return groupId;
  }

  /** Sends pin / archive choices made here to the inbox's other devices. */
  async shareConversationPrefs(updates: PrefUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    await this.broadcast({
      kind: "conversation_prefs",
      prefs: updates.map((u) => ({ id: u.key, field: u.field, on: u.on, atNs: u.atNs.toString() })),
    });
  }

  /** Sends invite links made, revoked or used here to the inbox's other devices. */
  async shareInvites(invites: SyncedInvite[]): Promise<void> {
    if (invites.length > 0) await this.broadcast({ kind: "invites", invites });
  }

  /** Sends this device's push preferences to the inbox's other devices. */
  async sharePushPrefs(prefs: SyncedPushPrefs): Promise<void> {
    await this.broadcast({ kind: "push_prefs", prefs });
  }

  private async broadcast(content: DeviceSyncContent): Promise<void> {
    for (const groupId of await this.groups())
      await sendContent(this.ctx, groupId, ContentTypeDeviceSync, content);
  }

  /**
   * Asks the inbox's other devices for history and imports the first answer. Rejects with
   * ClientError "history_failed" (no device answered in time, or the archive was bad).
   */
  async requestHistory(
    opts: { timeoutMs?: number } = {},
  ): Promise<{ conversations: number; messages: number }> {
    const requestId = toHex(randomBytes(16));
    this.setState({ phase: "requesting" });
    try {
      await this.ensureGroup();
      const reply = new Promise<Extract<DeviceSyncContent, { kind: "history_reply" }>>(
        (resolve, reject) => {
          const timer = setTimeout(() => {
            this.waiting.delete(requestId);
            reject(
              new ClientError(
                "history_failed",
                "none of your other devices answered: open one of them and try again",
              ),
            );
          }, opts.timeoutMs ?? 60_000);
          this.waiting.set(requestId, (r) => {
            clearTimeout(timer);
            this.waiting.delete(requestId);
            resolve(r);
          });
        },
      );
      // Its timer runs from now: it may fire while the request is still being sent (a slow
      // send), before anything awaits it; the rejection is taken where it is awaited below.
      reply.catch(() => undefined);
      await this.broadcast({ kind: "history_request", requestId });
      this.setState({ phase: "waiting" });
      const r = await reply;
      this.setState({ phase: "downloading" });
      const payload = await downloadAttachment(r.url, r.digest, {
        maxBytes: r.size,
        ...(this.ctx.fetch ? { fetch: this.ctx.fetch } : {}),
      });
      const archive = await openArchive(
        { payload, key: fromHex(r.key), nonce: fromHex(r.nonce), digest: r.digest },
        this.ctx.installation.inboxId,
      );
      this.setState({ phase: "importing" });
      const counts = await importArchive(this.ctx.db, archive, (records) =>
        this.preferences.applyConsentRecords(records),
      );
      // The answering device added this one to its conversations: take the welcomes now.
      await this.joinConversations().catch((err: unknown) => this.fail("join", err));
      const done = { conversations: counts.conversations, messages: counts.messages };
      this.setState({ phase: "done", ...done });
      return done;
    } catch (err) {
      const e =
        err instanceof ClientError
          ? err
          : new ClientError(
              "history_failed",
              err instanceof HistoryError
                ? `the history archive was refused: ${err.message}`
                : `history sync failed: ${(err as Error).message}`,
              true,
              err,
            );
      this.setState({ phase: "failed", reason: e.message });
      throw e;
    }
  }

  private async onMessage(m: DecodedMessage): Promise<void> {
    const c = m.content as DeviceSyncContent | undefined;
    if (!c || m.senderInboxId !== this.ctx.installation.inboxId) return;
    switch (c.kind) {
      case "consent": {
        const records = c.records.map(fromSynced);
        for (const r of records) this.fromPeers.add(`${entityKey(r)}:${r.consentedAtNs}`);
        const applied = await this.preferences.applyConsentRecords(records);
        // Those that changed nothing fire no event: forget them.
        const fired = new Set(applied.map((r) => `${entityKey(r)}:${r.consentedAtNs}`));
        for (const r of records) {
          const key = `${entityKey(r)}:${r.consentedAtNs}`;
          if (!fired.has(key)) this.fromPeers.delete(key);
        }
        return;
      }
      case "history_request":
        if (this.waiting.has(c.requestId) || this.answered.has(c.requestId)) return; // our own
        this.answered.add(c.requestId);
        await this.answer(c.requestId);
        return;
      case "history_reply":
        this.waiting.get(c.requestId)?.(c);
        return;
      case "lineage_request":
        if (this.asked.has(c.requestId) || this.answered.has(c.requestId)) return; // our own
        this.answered.add(c.requestId);
        await this.claimLineages(c.groupIds);
        return;
      case "lineage_claims":
        for (const claim of c.claims) await this.weigh(claim);
        return;
      case "push_prefs":
        await this.onPushPrefs?.(c.prefs);
        return;
      case "conversation_prefs":
        // Merged, never sent back: the other devices got the same message.
        await mergeConversationPrefs(
          this.ctx.db,
          c.prefs.map((p) => ({ key: p.id, field: p.field, on: p.on, atNs: BigInt(p.atNs) })),
        );
        return;
      case "invites":
        await this.onInvites?.(c.invites);
        return;
    }
  }

  /**
   * Asks the inbox's other devices to settle every contested conversation (two welcomes
   * for one group id, groups/lineages.ts): each answers with its epoch authenticator.
   */
  async askAboutContested(): Promise<void> {
    const groupIds = await contestedConversationIds(this.ctx.db);
    if (groupIds.length === 0) return;
    const requestId = toHex(randomBytes(16));
    this.asked.add(requestId);
    await this.broadcast({ kind: "lineage_request", requestId, groupIds });
  }

  /** Only a state this device itself has no doubt about is vouched for: one not contested here. */
  private async claimLineages(groupIds: string[]): Promise<void> {
    const claims: LineageClaim[] = [];
    for (const groupId of groupIds) {
      const row = await getConversation(this.ctx.db, groupId).catch(() => undefined);
      if (!row || row.contested || row.outOfSync) continue;
      // Caught up first: a claim for an epoch the asker's lineages already left proves nothing.
      await withGroupLock(this.ctx, groupId, () => replayTopicLocked(this.ctx, groupId, this.log));
      const group = await loadGroup(this.ctx, groupId);
      if (!group || !isActive(group)) continue;
      claims.push({
        groupId,
        epoch: group.epoch.toString(),
        authenticator: toHex(epochAuthenticator(group)),
      });
    }
    if (claims.length > 0) await this.broadcast({ kind: "lineage_claims", claims });
  }

  private async weigh(claim: LineageClaim): Promise<void> {
    const { groupId } = claim;
    await withGroupLock(this.ctx, groupId, async () => {
      const outcome = await weighClaim(
        this.ctx,
        groupId,
        BigInt(claim.epoch),
        claim.authenticator,
        this.log,
      );
      if (outcome?.kind === "adopted") await replayTopicLocked(this.ctx, groupId, this.log);
    });
    // What waited while it was contested now goes to the lineage that won.
    if (takeAdoptedGroups(this.ctx).length > 0) await resumeOutbox(this.ctx);
  }

  /** Another device asked: bring it into every conversation, then send it the archive. */
  private async answer(requestId: string): Promise<void> {
    for (const row of await listConversations(this.ctx.db)) {
      if (row.kind === "sync") continue;
      await syncGroupInstallations(this.ctx, row.id, this.log).catch((err: unknown) =>
        this.fail("add_device", err),
      );
    }
    const sealed = await sealArchive(
      await exportArchive(this.ctx.db, this.ctx.installation.inboxId),
    );
    const uploaded = await uploadAttachment(this.ctx.apiUrl, sealed.payload, {
      inboxId: this.ctx.installation.inboxId,
      ...(this.ctx.fetch ? { fetch: this.ctx.fetch } : {}),
    });
    await this.broadcast({
      kind: "history_reply",
      requestId,
      url: uploaded.url,
      key: toHex(sealed.key),
      nonce: toHex(sealed.nonce),
      digest: sealed.digest,
      size: sealed.size,
    });
    this.log?.("history_sent", { requestId, bytes: sealed.size });
    // The new device's list is arranged as on this one (pins and archives are not history).
    await this.shareConversationPrefs(prefUpdatesOf(await loadConversationPrefs(this.ctx.db)));
    if (this.inviteSnapshot) await this.shareInvites(await this.inviteSnapshot());
  }
}

function toSynced(r: ConsentRecord): SyncedConsentRecord {
  return {
    kind: r.entity.kind,
    id: r.entity.kind === "conversation" ? r.entity.id : r.entity.inboxId,
    state: r.state,
    consentedAtNs: r.consentedAtNs.toString(),
  };
}

function fromSynced(r: SyncedConsentRecord): ConsentRecord {
  return {
    entity:
      r.kind === "conversation"
        ? { kind: "conversation", id: r.id }
        : { kind: "inbox", inboxId: r.id },
    state: r.state,
    consentedAtNs: BigInt(r.consentedAtNs),
  };
}
