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
// The table is UNLOGGED (buckets are not worth a WAL write; a crash refills them) and
// created at start, like the attachments table: it exists only where it is used.
import type { RateLimitConfig } from "../config";
import { errorFields, log } from "../log";
import { Batcher } from "../store/batcher";
import type { Driver } from "../store/driver";
import {
  bucketKeys,
  classRates,
  rateLimitError,
  type ClassRates,
  type RateCall,
  type RateLimiter,
} from "./rate-limit";

const SETUP_LOCK_KEY = 0x52424b; // "RBK"
const SWEEP_MS = 30_000;

/** Calls merged into one round trip at most, and statements in flight at once. */
const MAX_MERGED = 128;
const SLOTS = 2;

// Refill then take, for every bucket of the round (each key once; sorted, so two nodes'
// statements lock shared rows in the same order and cannot deadlock). A fresh row takes
// its cost from a full bucket; the cost travels as that fresh row's deficit (burst −
// tokens, exact: both are whole numbers), as ON CONFLICT sees only the proposed row.
// R = the bucket refilled to now; C = the cost.
const R =
  "LEAST(EXCLUDED.burst, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) * EXCLUDED.per_ms)";
const C = "(EXCLUDED.burst - EXCLUDED.tokens)";
const TAKE_SQL = `
WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::float8 * 1000 AS ms)
INSERT INTO rate_buckets AS b (key, tokens, at_ms, per_ms, burst, refilled, took)
SELECT v.key, v.burst - v.cost, clock.ms, v.per_ms, v.burst, v.burst, true
FROM unnest($1::text[], $2::float8[], $3::float8[], $4::float8[]) AS v(key, per_ms, burst, cost), clock
ORDER BY v.key COLLATE "C"
ON CONFLICT (key) DO UPDATE SET
  refilled = ${R},
  took = ${R} >= ${C},
  tokens = CASE WHEN ${R} >= ${C} OR $5::boolean
    THEN GREATEST(-EXCLUDED.burst, ${R} - ${C}) ELSE ${R} END,
  at_ms = GREATEST(b.at_ms, EXCLUDED.at_ms),
  per_ms = EXCLUDED.per_ms,
  burst = EXCLUDED.burst
RETURNING key, refilled, took`;

const REFUND_SQL = `
UPDATE rate_buckets b SET tokens = LEAST(b.burst, b.tokens + u.cost)
FROM unnest($1::text[], $2::float8[]) AS u(key, cost) WHERE b.key = u.key`;

type Keys = NonNullable<ReturnType<typeof bucketKeys>>;
interface Take {
  k: Keys;
  debt: boolean;
}
/** Per call: what each of its two buckets held after refill and whether it took, or why it failed. */
type Taken =
  | { one: { refilled: number; took: boolean }; all: { refilled: number; took: boolean } }
  | { error: unknown };

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
    await db.withSessionLock(SETUP_LOCK_KEY, (sql) =>
      sql.query(`CREATE UNLOGGED TABLE IF NOT EXISTS rate_buckets (
        key text PRIMARY KEY,
        tokens float8 NOT NULL,
        at_ms float8 NOT NULL,
        per_ms float8 NOT NULL,
        burst float8 NOT NULL,
        refilled float8 NOT NULL,
        took boolean NOT NULL)`),
    );
    return new PostgresRateLimiter(config, db);
  }

  async check(call: RateCall): Promise<void> {
    const k = bucketKeys(call, this.rates);
    if (!k) return;
    const r = (await this.takes.submit([{ k, debt: call.debt === true }]))[0]!;
    if ("error" in r) throw r.error;
    if (r.one.took && r.all.took) return;
    let wait = 0;
    for (const [b, rate] of [
      [r.one, k.one],
      [r.all, k.all],
    ] as const) {
      if (!b.took) wait = Math.max(wait, Math.ceil((k.cost - b.refilled) / rate.perMs));
    }
    this.refused++;
    this.logOnce(k.keyOne, call, k.cls === "w" ? "writes" : "reads");
    throw rateLimitError(this.config, k.cls, wait);
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
    const rows = round.flatMap((t) => [
      { key: t.k.keyOne, rate: t.k.one, cost: t.k.cost },
      { key: t.k.keyAll, rate: t.k.all, cost: t.k.cost },
    ]);
    const res = await this.db.prepared<{ key: string; refilled: number; took: boolean }>(TAKE_SQL, [
      rows.map((x) => x.key),
      rows.map((x) => x.rate.perMs),
      rows.map((x) => x.rate.burst),
      rows.map((x) => x.cost),
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
      await this.db.query(
        `DELETE FROM rate_buckets
         WHERE tokens + (extract(epoch FROM clock_timestamp())::float8 * 1000 - at_ms) * per_ms >= burst`,
      );
    } catch (err) {
      log.warn("rate bucket sweep failed", errorFields(err));
    }
    const now = Date.now();
    for (const [key, at] of this.lastLogged) if (now - at > 60_000) this.lastLogged.delete(key);
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
