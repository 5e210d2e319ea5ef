// Per-client token buckets. Every RPC passes through `check` before its handler;
// over budget it throws ResourceExhausted (HTTP 429) with a `retry-after` header.
//
// Keys: a request is charged to TWO buckets of its class (read or write):
//   - (address, inbox): the normal budget. The inbox comes from an optional
//     `x-inbox-id` header (64 lowercase hex); without it the inbox is "-".
//   - (address): the address's total, `ipMultiplier` times the normal budget, so
//     several users behind one NAT each get a full budget, and forging inbox ids
//     cannot lift one address above its total. The header is not authenticated:
//     it can only split an address's budget, never grow it past the total.
// Streams are charged one read when opened. Memory: a bucket refilled to full is
// the same as no bucket, so a sweep drops those; a hard cap evicts the oldest.
import {
  Code,
  ConnectError,
  createContextKey,
  type ContextValues,
  type HandlerContext,
} from "@connectrpc/connect";
import type { RateLimitConfig } from "../config";
import { log } from "../log";
import type { BucketCharge, BucketRefusal } from "../store/rate-buckets";

export interface RateCall {
  procedure: string;
  peer: string;
  inbox?: string;
  streaming: boolean;
  /** Tokens this call takes (default 1; an attachment upload pays per MiB), capped at the burst. */
  cost?: number;
  /**
   * Refused, the call is charged anyway (the bucket goes into debt, at most one burst
   * deep): a request that costs far more than its caller has left (a stream of thousands
   * of filters) then meets the gate's cheap refusal until the debt is repaid, instead of
   * being parsed again and again.
   */
  debt?: boolean;
}

export interface RateLimiter {
  check(call: RateCall): void | Promise<void>;
  /**
   * Limiters whose buckets live in the node's database: instead of `check`, a send's
   * charge for the store to take in the send's own statement (api/write-charge.ts);
   * undefined when writes are unlimited. May refuse at once, as check.
   */
  deferWrite?(call: RateCall): DeferredCharge | undefined;
  /** Stops timers and releases connections (the node's shutdown). */
  close?(): void | Promise<void>;
}

/** A send's charge that its own statement takes (write-charge.ts). */
export interface DeferredCharge {
  /** The interceptor sets its cost once the request's size is known (write-cost.ts). */
  charge: BucketCharge;
  /** Set once the statement took it or refused it. */
  taken: boolean;
  /** Answers a refusal by the statement as check would: always throws. */
  refuse(taken: BucketRefusal): Promise<never>;
  /**
   * When the call ended (adapter.ts): takes the charge if no statement did (an invalid
   * request, a database error), so a failed send is charged as it was at the gate.
   */
  settle(): void;
}

export const noRateLimit: RateLimiter = { check: () => undefined };

/** The caller's address, set per request by the HTTP adapter. */
export const peerKey = createContextKey<string>("unknown", { description: "client address" });

export const INBOX_HEADER = "x-inbox-id";
const INBOX_RE = /^[0-9a-f]{64}$/;

/** Methods that store something (or cost like it); everything else (streams included) is a read. */
const WRITES = new Set([
  "SendGroupMessages",
  "SendWelcomeMessages",
  "UploadKeyPackage",
  "PublishIdentityUpdate",
  "UploadAttachment",
  "BatchPublishCommitLog",
  "UpdatePushRegistration",
  // Stores nothing, but each signature is an eth_call on the operator's RPC: the write budget.
  "VerifySmartContractWalletSignatures",
]);

export function isWrite(procedure: string): boolean {
  return WRITES.has(procedure.slice(procedure.lastIndexOf("/") + 1));
}

export interface Bucket {
  tokens: number;
  at: number;
}

export interface Rate {
  perMs: number;
  burst: number;
}

/** Pure refill: the bucket as it stands at `now`. */
export function refill(b: Bucket | undefined, rate: Rate, now: number): Bucket {
  if (!b) return { tokens: rate.burst, at: now };
  return { tokens: Math.min(rate.burst, b.tokens + (now - b.at) * rate.perMs), at: now };
}

/** Milliseconds until `b` holds `need` tokens. */
export function waitMs(b: Bucket, rate: Rate, need = 1): number {
  return b.tokens >= need ? 0 : Math.ceil((need - b.tokens) / rate.perMs);
}

const perMin = (n: number, burst: number): Rate | undefined =>
  n > 0 ? { perMs: n / 60_000, burst } : undefined;

export type RateClass = "r" | "w";
export type ClassRates = Record<RateClass, { one?: Rate; all?: Rate }>;

/** Per class: one client's rate and one address's (ipMultiplier × the client's). */
export function classRates(config: RateLimitConfig): ClassRates {
  const m = config.ipMultiplier;
  return {
    r: {
      one: perMin(config.readsPerMin, config.readBurst),
      all: perMin(config.readsPerMin * m, config.readBurst * m),
    },
    w: {
      one: perMin(config.writesPerMin, config.writeBurst),
      all: perMin(config.writesPerMin * m, config.writeBurst * m),
    },
  };
}

/** The two buckets a call is charged to, and its cost; undefined when its class is unlimited. */
export function bucketKeys(call: RateCall, rates: ClassRates) {
  const cls: RateClass = isWrite(call.procedure) ? "w" : "r";
  const { one, all } = rates[cls];
  if (!one || !all) return undefined;
  const inbox = call.inbox && INBOX_RE.test(call.inbox) ? call.inbox : "-";
  return {
    cls,
    keyOne: `${cls}|${call.peer}|${inbox}`,
    keyAll: `${cls}|${call.peer}`,
    one,
    all,
    cost: Math.min(Math.max(1, call.cost ?? 1), one.burst),
  };
}

/** The refusal every limiter throws: ResourceExhausted, a sentence naming the budget, retry-after. */
export function rateLimitError(
  config: RateLimitConfig,
  cls: RateClass,
  waitMs: number,
): ConnectError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const what = cls === "w" ? "writes" : "reads";
  const budget =
    cls === "w"
      ? `${config.writesPerMin}/min, one token per started MiB`
      : `${config.readsPerMin}/min`;
  return new ConnectError(
    `rate limit: too many ${what} from this client (budget ${budget}); retry in ${seconds} s`,
    Code.ResourceExhausted,
    { "retry-after": String(seconds) },
  );
}

export class TokenBucketLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rates: ClassRates;
  private readonly lastLogged = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;
  refused = 0;

  constructor(
    private readonly config: RateLimitConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.rates = classRates(config);
    this.sweeper = setInterval(() => this.sweep(), 30_000).unref();
  }

  get size(): number {
    return this.buckets.size;
  }

  check(call: RateCall): void {
    const k = bucketKeys(call, this.rates);
    if (!k) return;
    const { cls, keyOne, keyAll, one, all, cost } = k;
    const now = this.now();
    const a = refill(this.buckets.get(keyOne), one, now);
    const b = refill(this.buckets.get(keyAll), all, now);
    if (a.tokens >= cost && b.tokens >= cost) {
      a.tokens -= cost;
      b.tokens -= cost;
      this.put(keyOne, a);
      this.put(keyAll, b);
      return;
    }
    const wait = Math.max(waitMs(a, one, cost), waitMs(b, all, cost));
    if (call.debt) {
      a.tokens = Math.max(-one.burst, a.tokens - cost);
      b.tokens = Math.max(-all.burst, b.tokens - cost);
    }
    this.put(keyOne, a);
    this.put(keyAll, b);
    this.refused++;
    this.logOnce(keyOne, call, cls === "w" ? "writes" : "reads");
    throw rateLimitError(this.config, cls, wait);
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private put(key: string, b: Bucket): void {
    // Re-insert so Map order is least-recently-used first (the hard cap evicts from the front).
    this.buckets.delete(key);
    this.buckets.set(key, b);
    while (this.buckets.size > this.config.maxBuckets) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) break;
      this.buckets.delete(oldest);
    }
  }

  /** Drops buckets that have refilled to full: forgetting them changes nothing. */
  sweep(): void {
    const now = this.now();
    for (const [key, b] of this.buckets) {
      const cls = key[0] as "r" | "w";
      const rate = key.split("|").length === 3 ? this.rates[cls].one : this.rates[cls].all;
      if (!rate || refill(b, rate, now).tokens >= rate.burst) this.buckets.delete(key);
    }
    for (const [key, at] of this.lastLogged) if (now - at > 60_000) this.lastLogged.delete(key);
  }

  /** One log line per client and minute, not one per refused call (no log flood). */
  private logOnce(key: string, call: RateCall, what: string): void {
    const now = this.now();
    const last = this.lastLogged.get(key);
    if (last !== undefined && now - last < 60_000) return;
    this.lastLogged.set(key, now);
    log.warn("rate limited", { peer: call.peer, procedure: call.procedure, class: what });
  }
}

/**
 * Sends whose charge the store takes in the send's own statement when the limiter can
 * (deferWrite): the gate leaves them to the handler (api/write-charge.ts).
 */
const CHARGED_IN_STATEMENT = new Set(["SendGroupMessages", "SendWelcomeMessages"]);

/** Set by the gate on those calls: the charge their handler hands to the store. */
export const writeChargeKey = createContextKey<DeferredCharge | undefined>(undefined, {
  description: "rate-limit charge taken by the send's statement",
});

/**
 * Connect's request gate: runs before the body is read, so a refused caller costs
 * no parsing. The error's metadata becomes the `retry-after` response header.
 */
export function rateLimitGate(limiter: RateLimiter): (ctx: HandlerContext) => Promise<void> {
  return (ctx) =>
    admitCall(
      limiter,
      {
        procedure: ctx.method.name,
        peer: ctx.values.get(peerKey),
        inbox: ctx.requestHeader.get(INBOX_HEADER) ?? undefined,
        streaming: ctx.method.methodKind !== "unary",
      },
      ctx.values,
    );
}

/** The gate's work for one call (also the unary fast path's, unary-fast-path.ts). */
export async function admitCall(
  limiter: RateLimiter,
  call: RateCall,
  values: ContextValues,
): Promise<void> {
  if (limiter.deferWrite && CHARGED_IN_STATEMENT.has(call.procedure)) {
    const deferred = limiter.deferWrite(call);
    if (deferred) values.set(writeChargeKey, deferred);
    return;
  }
  await limiter.check(call);
}
