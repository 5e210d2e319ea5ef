// Web Push for this installation (README "Notifications (Web Push)"): registers the
// browser's push subscription with the node and, per conversation the user wants pushes
// for, libxmtp's HMAC keys, so the node can skip messages this inbox sent itself. Only
// conversations whose consent is "allowed" and that are not muted are registered:
// requests and blocked conversations never are, and a consent or mute change re-registers.
// The switch, the mutes and the HMAC root key travel to the inbox's other devices
// through the SYNC group (device-sync.ts, kind push_prefs), last writer wins per value.
import { create, toBinary } from "@bufbuild/protobuf";
import { ed25519Sign, fromHex, toHex } from "../../crypto";
import type { SyncedPushPrefs } from "../../content";
import { readMessageHeader } from "../../mls";
import {
  PushRegistrationSchema,
  type PushRegistration,
} from "../../proto/messenger/push/v1/push_pb";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { pushHmacKeys, pushRegistrationSignedBytes, senderHmac } from "../../push";
import { listConversations, loadPushPrefs, savePushPrefs, type PushPrefs } from "../../storage";
import { effectiveConsents } from "../consent/consent";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";

type Change = MessageInitShape<typeof PushRegistrationSchema>["change"];

/** What the browser's PushSubscription.toJSON() gives (keys in base64url). */
export interface BrowserPushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushStatus {
  /** The account-wide switch (synced between devices). */
  enabled: boolean;
  /** This installation has a subscription registered with the node. */
  subscribed: boolean;
}

const nowNs = () => BigInt(Date.now()) * 1_000_000n;
const b64url = (s: string, field: string): Uint8Array => {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(s))
    throw new ClientError("invalid_argument", `${field} is not base64url`);
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, ""));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

const ROOT_KEY_FRESH_MS = 30_000;

export class PushNotifications {
  private lastTs = 0n;
  private syncing: Promise<void> = Promise.resolve();
  private queued?: Promise<void>;
  private readonly listeners = new Set<(s: PushStatus) => void>();
  /** The root key senderHmacFor last read, and when: a send must not wait on a read for it. */
  private rootKey?: { key: Promise<Uint8Array>; at: number };

  constructor(
    private readonly ctx: ClientContext,
    /** Sends this device's preferences to the inbox's other devices. */
    private readonly broadcast: (prefs: SyncedPushPrefs) => Promise<void>,
  ) {
    // Consent decides which conversations push: keep the node's topic set in step.
    ctx.consent.subscribe(() => void this.syncTopics().catch(() => undefined));
  }

  /** Read fresh each time: another tab of this installation may have changed them. */
  private load(): Promise<PushPrefs> {
    return loadPushPrefs(this.ctx.db, nowNs());
  }

  private async save(p: PushPrefs): Promise<void> {
    this.rootKey = undefined;
    await savePushPrefs(this.ctx.db, p);
    const s = { enabled: p.enabled, subscribed: !!p.endpoint };
    for (const l of this.listeners) l(s);
  }

  async status(): Promise<PushStatus> {
    const p = await this.load();
    return { enabled: p.enabled, subscribed: !!p.endpoint };
  }

  onStatusChange(listener: (s: PushStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The node's VAPID key (base64url): PushManager.subscribe's applicationServerKey. */
  vapidPublicKey(): Promise<string> {
    return this.ctx.api.getVapidPublicKey();
  }

  /** sender_hmac for a message this client publishes (libxmtp: the current period's key). */
  async senderHmacFor(data: Uint8Array): Promise<Uint8Array> {
    const rootKey = await this.senderRootKey();
    const groupId = readMessageHeader(data).groupId;
    return senderHmac(pushHmacKeys(rootKey, groupId, [0])[0]!.key, data);
  }

  /**
   * The root key for sender HMACs, read at most every ROOT_KEY_FRESH_MS (this tab's own saves
   * drop it at once): the read sat in front of every publish. Another tab's or device's newer
   * key is seen within that time; until then only our own devices may be pushed for a message.
   */
  senderRootKey(): Promise<Uint8Array> {
    const now = Date.now();
    if (!this.rootKey || now - this.rootKey.at > ROOT_KEY_FRESH_MS) {
      const key = this.load().then((p) => p.rootKey);
      this.rootKey = { key, at: now };
      key.catch(() => (this.rootKey = undefined));
    }
    return this.rootKey.key;
  }

  /** Turns notifications on with this browser's subscription (and for the inbox's other devices). */
  async enable(subscription: BrowserPushSubscription): Promise<void> {
    const p256dh = b64url(subscription.keys?.p256dh ?? "", "subscription.keys.p256dh");
    const auth = b64url(subscription.keys?.auth ?? "", "subscription.keys.auth");
    await this.update({
      case: "subscribe",
      value: { endpoint: subscription.endpoint, p256dh, auth },
    });
    const p = await this.load();
    await this.save({
      ...p,
      endpoint: subscription.endpoint,
      worker: this.workerSettings(),
      enabled: true,
      enabledAtNs: nowNs(),
    });
    await this.syncTopics();
    await this.share();
  }

  /**
   * The browser replaced this installation's subscription (the service worker's
   * `pushsubscriptionchange`): registers the new one in its place, signed by this installation.
   * Returns false when there is nothing to replace here (notifications off, or `oldEndpoint`
   * is not the one this installation registered).
   */
  async replaceSubscription(
    oldEndpoint: string | undefined,
    subscription: BrowserPushSubscription,
  ): Promise<boolean> {
    const p = await this.load();
    if (!p.enabled || !p.endpoint) return false;
    if (oldEndpoint !== undefined && oldEndpoint !== p.endpoint) return false;
    const p256dh = b64url(subscription.keys?.p256dh ?? "", "subscription.keys.p256dh");
    const auth = b64url(subscription.keys?.auth ?? "", "subscription.keys.auth");
    await this.update({
      case: "subscribe",
      value: { endpoint: subscription.endpoint, p256dh, auth },
    });
    await this.save({ ...(await this.load()), endpoint: subscription.endpoint });
    await this.syncTopics();
    return true;
  }

  /** What the service worker needs to reach the node as this page does. */
  private workerSettings(): { apiUrl: string; chainRpcUrls: string } {
    return { apiUrl: this.ctx.apiUrl, chainRpcUrls: this.ctx.chainRpcUrls };
  }

  /** Turns notifications off here and on the inbox's other devices. */
  async disable(): Promise<void> {
    await this.unsubscribeHere();
    const p = await this.load();
    await this.save({ ...p, enabled: false, enabledAtNs: nowNs() });
    await this.share();
  }

  private async unsubscribeHere(): Promise<void> {
    const p = await this.load();
    if (!p.endpoint) return;
    await this.update({ case: "unsubscribe", value: {} });
    await this.save({ ...p, endpoint: undefined });
  }

  /** The key a conversation's mute is stored under: a DM's duplicates share one. */
  private async muteKey(conversationId: string): Promise<string> {
    const row = (await listConversations(this.ctx.db)).find((r) => r.id === conversationId);
    if (!row) throw new ClientError("conversation_not_found", `no conversation ${conversationId}`);
    return row.dmId ?? row.id;
  }

  async isMuted(conversationId: string): Promise<boolean> {
    const p = await this.load();
    return p.mutes.get(await this.muteKey(conversationId))?.muted ?? false;
  }

  async setMuted(conversationId: string, muted: boolean): Promise<void> {
    if (typeof muted !== "boolean")
      throw new ClientError("invalid_argument", "setMuted takes true or false");
    const key = await this.muteKey(conversationId);
    const p = await this.load();
    const mutes = new Map(p.mutes).set(key, { muted, atNs: nowNs() });
    await this.save({ ...p, mutes });
    await this.syncTopics();
    await this.share();
  }

  /** What this device tells the others. */
  async synced(): Promise<SyncedPushPrefs> {
    const p = await this.load();
    return {
      rootKey: toHex(p.rootKey),
      rootKeyAtNs: p.rootKeyAtNs.toString(),
      enabled: p.enabled,
      enabledAtNs: p.enabledAtNs.toString(),
      mutes: [...p.mutes].map(([id, m]) => ({ id, muted: m.muted, atNs: m.atNs.toString() })),
    };
  }

  private async share(): Promise<void> {
    await this.broadcast(await this.synced()).catch(() => undefined); // no SYNC group yet: later
  }

  /** Mutes from a backup file: each newer choice wins, as from another device. */
  async mergeMutes(mutes: { id: string; muted: boolean; atNs: string }[]): Promise<void> {
    const p = await this.load();
    const next = new Map(p.mutes);
    for (const m of mutes) {
      const mine = next.get(m.id);
      if (!mine || BigInt(m.atNs) > mine.atNs)
        next.set(m.id, { muted: m.muted, atNs: BigInt(m.atNs) });
    }
    await this.save({ ...p, mutes: next });
    await this.syncTopics();
    await this.share();
  }

  /**
   * Merges another device's preferences: the earliest root key (so all devices converge on
   * one), the newest switch and each newest mute. Re-registers what changed.
   */
  async merge(from: SyncedPushPrefs): Promise<void> {
    const p = await this.load();
    const next: PushPrefs = { ...p, mutes: new Map(p.mutes) };
    const theirKeyAt = BigInt(from.rootKeyAtNs);
    const theirKey = fromHex(from.rootKey);
    if (
      theirKeyAt < p.rootKeyAtNs ||
      (theirKeyAt === p.rootKeyAtNs && from.rootKey < toHex(p.rootKey))
    ) {
      next.rootKey = theirKey;
      next.rootKeyAtNs = theirKeyAt;
    }
    if (BigInt(from.enabledAtNs) > p.enabledAtNs) {
      next.enabled = from.enabled;
      next.enabledAtNs = BigInt(from.enabledAtNs);
    }
    for (const m of from.mutes) {
      const mine = next.mutes.get(m.id);
      if (!mine || BigInt(m.atNs) > mine.atNs)
        next.mutes.set(m.id, { muted: m.muted, atNs: BigInt(m.atNs) });
    }
    await this.save(next);
    if (!next.enabled) await this.unsubscribeHere().catch(() => undefined);
    else await this.syncTopics();
    // Something of ours won (an older root key, a newer choice): tell them back, so a new
    // device converges too. Equal preferences end the exchange.
    const mine = await this.synced();
    if (!samePrefs(mine, from)) await this.share();
  }

  /** The node's topic set := every allowed, unmuted conversation (serialized: one at a time). */
  syncTopics(): Promise<void> {
    // A burst of consent changes (a history import) waits on one queued run, not one each.
    if (this.queued) return this.queued;
    const run = this.syncing.then(() => {
      this.queued = undefined;
      return this.pushTopics();
    });
    this.queued = run;
    this.syncing = run.catch(() => undefined);
    return run;
  }

  private async pushTopics(): Promise<void> {
    let p = await this.load();
    if (!p.enabled || !p.endpoint) return;
    // The node URL may have changed in Settings since enable(): the worker follows.
    const worker = this.workerSettings();
    if (p.worker?.apiUrl !== worker.apiUrl || p.worker.chainRpcUrls !== worker.chainRpcUrls)
      await this.save((p = { ...p, worker }));
    const rows = (await listConversations(this.ctx.db)).filter(
      (r) => r.kind === "group" || r.kind === "dm",
    );
    const consents = await effectiveConsents(this.ctx, rows, rows);
    const topics = rows
      .filter((r) => consents.get(r.id) === "allowed" && !p.mutes.get(r.dmId ?? r.id)?.muted)
      .map((r) => {
        const groupId = fromHex(r.id);
        return {
          groupId,
          hmacKeys: pushHmacKeys(p.rootKey, groupId).map((k) => ({
            key: k.key,
            thirtyDayPeriodsSinceEpoch: k.period,
          })),
        };
      });
    await this.update({ case: "setTopics", value: { topics } });
  }

  /** Signs one change with the installation key and sends it. */
  private async update(change: Change): Promise<void> {
    let ts = nowNs();
    if (ts <= this.lastTs) ts = this.lastTs + 1n;
    this.lastTs = ts;
    const reg: PushRegistration = create(PushRegistrationSchema, {
      inboxId: this.ctx.installation.inboxId,
      installationKey: this.ctx.installation.publicKey,
      timestampNs: ts,
      change,
    });
    const bytes = toBinary(PushRegistrationSchema, reg);
    const signature = ed25519Sign(
      pushRegistrationSignedBytes(bytes),
      this.ctx.installation.privateKey,
    );
    await this.ctx.api.updatePushRegistration(bytes, signature);
  }
}

function samePrefs(a: SyncedPushPrefs, b: SyncedPushPrefs): boolean {
  const mutes = (p: SyncedPushPrefs) =>
    JSON.stringify([...p.mutes].sort((x, y) => (x.id < y.id ? -1 : 1)));
  return (
    a.rootKey === b.rootKey &&
    a.rootKeyAtNs === b.rootKeyAtNs &&
    a.enabled === b.enabled &&
    a.enabledAtNs === b.enabledAtNs &&
    mutes(a) === mutes(b)
  );
}
