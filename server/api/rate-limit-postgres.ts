// Token buckets in PostgreSQL, so every node on one database charges one budget per
// client (behind a load balancer, per-process buckets would give N nodes N budgets).
// One round trip per call: a single UPSERT refills and takes from both of the call's
// buckets, row-locked by ON CONFLICT, with the database's clock (nodes' clocks may
// differ). A bucket takes only if it can; when just one of the two could, the call is
// refused and that one is refunded (a second statement, on the refusal path only), so
// refusals cost nothing unless the call asked for debt, as in memory (rate-limit.ts).
// The table is UNLOGGED (buckets are not worth a WAL write; a crash refills them) and
// created at start, like the attachments table: it exists only where it is used.
import type { RateLimitConfig } from "../config";
import { errorFields, log } from "../log";
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

const TAKE_SQL = `
WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::float8 * 1000 AS ms),
input AS (
  SELECT * FROM (VALUES ($1::text, $2::float8, $3::float8), ($4::text, $5::float8, $6::float8))
    AS v(key, per_ms, burst))
INSERT INTO rate_buckets AS b (key, tokens, at_ms, per_ms, burst, refilled, took)
SELECT i.key, i.burst - $7::float8, clock.ms, i.per_ms, i.burst, i.burst, true FROM input i, clock
ON CONFLICT (key) DO UPDATE SET
  refilled = LEAST(EXCLUDED.burst, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) * EXCLUDED.per_ms),
  took = LEAST(EXCLUDED.burst, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) * EXCLUDED.per_ms) >= $7::float8,
  tokens = CASE
    WHEN LEAST(EXCLUDED.burst, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) * EXCLUDED.per_ms) >= $7::float8
      OR $8::boolean
    THEN GREATEST(-EXCLUDED.burst,
      LEAST(EXCLUDED.burst, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) * EXCLUDED.per_ms) - $7::float8)
    ELSE LEAST(EXCLUDED.burst, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) * EXCLUDED.per_ms)
  END,
  at_ms = GREATEST(b.at_ms, EXCLUDED.at_ms),
  per_ms = EXCLUDED.per_ms,
  burst = EXCLUDED.burst
RETURNING key, refilled, took`;

export class PostgresRateLimiter implements RateLimiter {
  private readonly rates: ClassRates;
  private readonly lastLogged = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;
  refused = 0;

  private constructor(
    private readonly config: RateLimitConfig,
    private readonly db: Driver,
  ) {
    this.rates = classRates(config);
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
    const rows = await this.db.query<{ key: string; refilled: number; took: boolean }>(TAKE_SQL, [
      k.keyOne,
      k.one.perMs,
      k.one.burst,
      k.keyAll,
      k.all.perMs,
      k.all.burst,
      k.cost,
      call.debt === true,
    ]);
    if (rows.every((r) => r.took)) return;
    if (!call.debt) {
      for (const r of rows.filter((x) => x.took)) {
        await this.db.query(
          "UPDATE rate_buckets SET tokens = LEAST(burst, tokens + $2::float8) WHERE key = $1",
          [r.key, k.cost],
        );
      }
    }
    let wait = 0;
    for (const r of rows) {
      if (r.took) continue;
      const rate = r.key === k.keyOne ? k.one : k.all;
      wait = Math.max(wait, Math.ceil((k.cost - Number(r.refilled)) / rate.perMs));
    }
    this.refused++;
    this.logOnce(k.keyOne, call, k.cls === "w" ? "writes" : "reads");
    throw rateLimitError(this.config, k.cls, wait);
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
