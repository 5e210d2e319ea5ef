// Delivers Web Push for stored group messages. Never on the publish path: the send
// handler hands rows over and returns; lookups, encryption (RFC 8291 by `web-push`) and
// HTTP happen in this in-memory queue, retried with backoff on network errors, 429 and
// 5xx; an endpoint the push service calls gone (404/410) is deleted. The queue is not
// durable: a push still queued when the node stops is lost (the message itself is not).
import { fromBinary } from "@bufbuild/protobuf";
import webpush from "web-push";
import { sha256, toHex } from "../../lib/crypto";
import { PushTopicSchema } from "../../lib/proto/messenger/push/v1/push_pb";
import { sentUnderOneOf } from "../../lib/push";
import { errorFields, log } from "../log";
import type { GroupMessageRow } from "../store/rows";
import type { PushConfig } from "./config";
import type { PushStore, PushTarget } from "./push-store";
import type { VapidKeys } from "./vapid";

/** What the service worker receives (decrypted by the browser): no content, only where. */
export interface PushPayload {
  v: 1;
  /** Hex group id: the conversation (or one of a DM's duplicate groups). */
  group: string;
  /** The envelope's id in its group (decimal). */
  id: string;
}

interface Job {
  target: PushTarget;
  body: string;
  topic: string;
  attempt: number;
}

const MAX_QUEUED = 10_000;
const CONCURRENCY = 4;
const TIMEOUT_MS = 10_000;
const TTL_SECONDS = 24 * 3600;
const RECENT_MAX = 10_000;

export class PushDelivery {
  private readonly queue: Job[] = [];
  private running = 0;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Rows already handled: a retried (idempotent) send returns the stored row again. */
  private readonly recent = new Set<string>();
  private idleWaiters: (() => void)[] = [];
  /** Counters for tests and logs. */
  readonly stats = { sent: 0, skippedOwn: 0, gone: 0, failed: 0, retried: 0 };

  constructor(
    private readonly store: PushStore,
    private readonly vapid: VapidKeys,
    private readonly config: PushConfig,
  ) {}

  /** Called after a send stored `rows`; returns at once. */
  onStored(rows: readonly GroupMessageRow[]): void {
    if (this.closed) return;
    // One lookup per group of the batch, none for a group nobody asked pushes from
    // (the insert said so: hasPushTopics false).
    const byGroup = new Map<string, GroupMessageRow[]>();
    for (const row of rows) {
      if (!row.shouldPush || row.isCommit || row.hasPushTopics === false) continue;
      const group = toHex(row.groupId);
      const key = `${group}:${row.id}`;
      if (this.recent.has(key)) continue;
      this.remember(key);
      byGroup.set(group, [...(byGroup.get(group) ?? []), row]);
    }
    for (const groupRows of byGroup.values()) {
      this.running++; // the lookup counts as work until its jobs are queued
      void this.plan(groupRows)
        .catch((err: unknown) => log.warn("push lookup failed", errorFields(err)))
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  /** Resolves once nothing is queued or in flight (tests). */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0 && this.timers.size === 0)
      return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
    this.checkIdle();
  }

  private remember(key: string): void {
    this.recent.add(key);
    if (this.recent.size > RECENT_MAX) this.recent.delete(this.recent.values().next().value!);
  }

  /** Rows of one group: its subscribers are looked up once. */
  private async plan(rows: GroupMessageRow[]): Promise<void> {
    const groupId = rows[0]!.groupId;
    const targets = await this.store.targets(groupId);
    // Web Push "Topic" (RFC 8030 §5.4): a push service keeps only the newest per conversation.
    const topic = Buffer.from(sha256(groupId)).toString("base64url").slice(0, 32);
    for (const target of targets) {
      const keys = fromBinary(PushTopicSchema, target.topic).hmacKeys.map((k) => k.key);
      for (const row of rows) {
        if (sentUnderOneOf(keys, row.data, row.senderHmac)) {
          this.stats.skippedOwn++; // the subscriber's own inbox sent it
          continue;
        }
        const payload: PushPayload = { v: 1, group: toHex(groupId), id: row.id.toString() };
        this.enqueue({ target, body: JSON.stringify(payload), topic, attempt: 1 });
      }
    }
  }

  private enqueue(job: Job): void {
    if (this.closed) return;
    if (this.queue.length >= MAX_QUEUED) {
      this.queue.shift();
      this.stats.failed++;
      log.warn("push queue full: dropped the oldest push", { queued: this.queue.length });
    }
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.running < CONCURRENCY && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running++;
      void this.deliver(job).finally(() => {
        this.running--;
        this.pump();
      });
    }
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.running === 0 && this.queue.length === 0 && this.timers.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async deliver(job: Job): Promise<void> {
    const { target } = job;
    let status = 0;
    let retryAfterS: number | undefined;
    try {
      const details = webpush.generateRequestDetails(
        {
          endpoint: target.endpoint,
          keys: {
            p256dh: Buffer.from(target.p256dh).toString("base64url"),
            auth: Buffer.from(target.auth).toString("base64url"),
          },
        },
        job.body,
        {
          vapidDetails: this.vapid,
          TTL: TTL_SECONDS,
          urgency: "high",
          topic: job.topic,
          contentEncoding: "aes128gcm",
        },
      );
      const res = await fetch(details.endpoint, {
        method: details.method,
        headers: details.headers as Record<string, string>,
        body: new Uint8Array(details.body ?? []),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = res.status;
      const ra = Number(res.headers.get("retry-after"));
      if (Number.isFinite(ra) && ra > 0) retryAfterS = ra;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      log.warn("push request failed", { ...errorFields(err), attempt: job.attempt });
    }
    if (status >= 200 && status < 300) {
      this.stats.sent++;
      return;
    }
    if (status === 404 || status === 410) {
      this.stats.gone++;
      await this.store
        .deleteSubscription(target.installationKey, target.endpoint)
        .catch((err: unknown) =>
          log.warn("push: dropping a gone endpoint failed", errorFields(err)),
        );
      log.info("push endpoint gone: subscription removed", { status });
      return;
    }
    const retryable = status === 0 || status === 429 || status >= 500;
    if (!retryable || job.attempt >= this.config.maxAttempts) {
      this.stats.failed++;
      log.warn("push not delivered", { status, attempts: job.attempt });
      return;
    }
    this.stats.retried++;
    const backoffMs = Math.min(
      60_000,
      retryAfterS !== undefined ? retryAfterS * 1000 : 500 * 2 ** job.attempt,
    );
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue({ ...job, attempt: job.attempt + 1 });
    }, backoffMs);
    this.timers.add(timer);
  }
}
