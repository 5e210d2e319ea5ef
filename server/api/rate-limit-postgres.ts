// Token buckets in PostgreSQL, so every node on one database charges one budget per
// client (behind a load balancer, per-process buckets would give N nodes N budgets).
// Each call refills and takes from both of its buckets atomically (row-locked by
// ON CONFLICT, with the database's clock: nodes' clocks may differ). A bucket takes only
// if it can; when just one of the two could, the call is refused and that one is
// refunded (a second statement, on the refusal path only), so refusals cost nothing
// unless the call asked for debt, as in memory (rate-limit.ts).
// Calls are merged: the checks that arrive while earlier ones are at the database go
// together in ONE statement (store/batcher.ts), because on this VM a write to the
// database's socket costs the node more CPU than the rest of a single send's work: with
// a statement per call, the bucket was half of a send's round trips. Merging changes no
// answer: each call's take is still atomic over its two rows, and a statement never
// holds the same bucket twice (calls that share one go in the next round), so the
// shared budget is exact, as with one statement per call.
// Sends are not checked here at all: their charge rides in the send's own statement
// (deferWrite, store/rate-buckets.ts, api/write-charge.ts), one round trip instead of
// two, and are answered the same way check answers.
// The table (store/rate-buckets.ts) is created at start, like the attachments table: it
// exists only where it is used.
import type { ConnectError } from "@connectrpc/connect";
import type { RateLimitConfig } from "../config";
import { errorFields, log } from "../log";
import { Batcher } from "../store/batcher";
import type { Driver } from "../store/driver";
import {
  bucketTakeParams,
  bucketTakeSql,
  createBucketTable,
  REFUND_SQL,
  SWEEP_SQL,
  type BucketRefusal,
  type BucketTaken,
} from "../store/rate-buckets";
import {
  bucketKeys,
  classRates,
  rateLimitError,
  type ClassRates,
  type DeferredCharge,
  type RateCall,
  type RateLimiter,
} from "./rate-limit";

const SETUP_LOCK_KEY = 0x52424b; // "RBK"
const SWEEP_MS = 30_000;

/** Calls merged into one round trip at most, and statements in flight at once. */
const MAX_MERGED = 128;
const SLOTS = 2;

const TAKE_SQL = bucketTakeSql(1, "$5::boolean");

type Keys = NonNullable<ReturnType<typeof bucketKeys>>;
interface Take {
  k: Keys;
  debt: boolean;
}
/** Per call: what each of its two buckets held after refill and whether it took, or why it failed. */
type Taken = { one: BucketTaken; all: BucketTaken } | { error: unknown };

/**
 * Splits merged calls into rounds that each hold a bucket at most once and share the
 * debt flag; in call order, so a client's earlier call is charged first.
 */
function rounds(takes: Take[]): Take[][] {
  const out: { takes: Take[]; keys: Set<string>; debt: boolean }[] = [];
  for (const t of takes) {
    // After the last round that holds one of its buckets, so a later call never overtakes.
    const last = out.findLastIndex((x) => x.keys.has(t.k.keyOne) || x.keys.has(t.k.keyAll));
    let r = out.find((x, i) => i > last && x.debt === t.debt);
    if (!r) out.push((r = { takes: [], keys: new Set(), debt: t.debt }));
    r.takes.push(t);
    r.keys.add(t.k.keyOne).add(t.k.keyAll);
  }
  return out.map((x) => x.takes);
}

export class PostgresRateLimiter implements RateLimiter {
  private readonly rates: ClassRates;
  private readonly lastLogged = new Map<string, number>();
  /** Buckets seen refused, short of one token until then (ms): deferWrite refuses at once. */
  private readonly shortUntil = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly takes: Batcher<Take, Taken>;
  refused = 0;

  private constructor(
    private readonly config: RateLimitConfig,
    private readonly db: Driver,
  ) {
    this.rates = classRates(config);
    this.takes = new Batcher((t: Take[]) => this.take(t), {
      slots: SLOTS,
      maxItems: MAX_MERGED,
      maxBytes: Infinity,
      bytes: () => 0,
    });
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS).unref();
  }

  static async open(config: RateLimitConfig, db: Driver): Promise<PostgresRateLimiter> {
    // Under a lock: CREATE ... IF NOT EXISTS still races when several nodes start together.
    await db.withSessionLock(SETUP_LOCK_KEY, createBucketTable);
    return new PostgresRateLimiter(config, db);
  }

  async check(call: RateCall): Promise<void> {
    const k = bucketKeys(call, this.rates);
    if (!k) return;
    const r = (await this.takes.submit([{ k, debt: call.debt === true }]))[0]!;
    if ("error" in r) throw r.error;
    if (r.one.took && r.all.took) return;
    throw this.refusal(call, k, r);
  }

  /**
   * A send's charge, for its own statement to take (api/write-charge.ts). A client known
   * to be unable to pay (refused here, still short of one token) is refused now, before
   * its body is read, as check would. If the statement never takes the charge (the
   * request was invalid, the database failed), settle takes it when the call ends.
   */
  deferWrite(call: RateCall): DeferredCharge | undefined {
    const k = bucketKeys(call, this.rates);
    if (!k) return undefined;
    const now = Date.now();
    const until = Math.max(this.shortUntil.get(k.keyOne) ?? 0, this.shortUntil.get(k.keyAll) ?? 0);
    if (until > now) {
      this.refused++;
      this.logOnce(k.keyOne, call, "writes");
      throw rateLimitError(this.config, k.cls, until - now);
    }
    const deferred: DeferredCharge = {
      charge: k,
      taken: false,
      refuse: async (taken) => {
        deferred.taken = true;
        if (taken.one.took !== taken.all.took) {
          // The bucket that could pay alone is refunded: a refusal costs nothing, as in check.
          const paid = taken.one.took ? k.keyOne : k.keyAll;
          await this.db.query(REFUND_SQL, [[paid], [k.cost]]);
        }
        throw this.refusal(call, k, taken);
      },
      settle: () => {
        if (deferred.taken) return;
        deferred.taken = true;
        this.check({ ...call, cost: k.cost }).catch(() => undefined);
      },
    };
    return deferred;
  }

  private refusal(call: RateCall, k: Keys, r: BucketRefusal): ConnectError {
    let wait = 0;
    const now = Date.now();
    for (const [b, rate, key] of [
      [r.one, k.one, k.keyOne],
      [r.all, k.all, k.keyAll],
    ] as const) {
      if (b.took) continue;
      wait = Math.max(wait, Math.ceil((k.cost - b.refilled) / rate.perMs));
      // Until it holds one token, no call can pass: the buckets only refill with time.
      if (b.refilled < 1) this.shortUntil.set(key, now + Math.ceil((1 - b.refilled) / rate.perMs));
    }
    this.refused++;
    this.logOnce(k.keyOne, call, k.cls === "w" ? "writes" : "reads");
    return rateLimitError(this.config, k.cls, wait);
  }

  /**
   * One statement per round of merged calls, then one refund for the refused calls' paid
   * buckets. Never rejects: a round that fails fails its own calls only (each round is
   * its own transaction), and is not retried (the batcher would charge earlier rounds twice).
   */
  private async take(takes: Take[]): Promise<Taken[]> {
    const out = new Map<Take, Taken>();
    for (const round of rounds(takes)) {
      try {
        await this.takeRound(round, out);
      } catch (error) {
        for (const t of round) out.set(t, { error });
      }
    }
    return takes.map((t) => out.get(t)!);
  }

  private async takeRound(round: Take[], out: Map<Take, Taken>): Promise<void> {
    const res = await this.db.prepared<{ key: string; refilled: number; took: boolean }>(TAKE_SQL, [
      ...bucketTakeParams(round.map((t) => t.k)),
      round[0]!.debt,
    ]);
    const byKey = new Map(res.map((x) => [x.key, { refilled: Number(x.refilled), took: x.took }]));
    const refund: { key: string; cost: number }[] = [];
    for (const t of round) {
      const one = byKey.get(t.k.keyOne)!;
      const all = byKey.get(t.k.keyAll)!;
      out.set(t, { one, all });
      if (t.debt || one.took === all.took) continue;
      refund.push({ key: one.took ? t.k.keyOne : t.k.keyAll, cost: t.k.cost });
    }
    if (refund.length > 0) {
      await this.db.query(REFUND_SQL, [refund.map((x) => x.key), refund.map((x) => x.cost)]);
    }
  }

  /** Drops buckets that have refilled to full (the same as no bucket), for every node at once. */
  async sweep(): Promise<void> {
    try {
      await this.db.query(SWEEP_SQL);
    } catch (err) {
      log.warn("rate bucket sweep failed", errorFields(err));
    }
    const now = Date.now();
    for (const [key, at] of this.lastLogged) if (now - at > 60_000) this.lastLogged.delete(key);
    for (const [key, until] of this.shortUntil) if (until <= now) this.shortUntil.delete(key);
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private logOnce(key: string, call: RateCall, what: string): void {
    const now = Date.now();
    const last = this.lastLogged.get(key);
    if (last !== undefined && now - last < 60_000) return;
    this.lastLogged.set(key, now);
    log.warn("rate limited", { peer: call.peer, procedure: call.procedure, class: what });
  }
}
