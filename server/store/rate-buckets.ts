// Rate-limit token buckets in PostgreSQL (the table and its statements), so every node
// on one database charges one budget per client. Here in the store because two callers
// share the statement: the rate limiter (api/rate-limit-postgres.ts) for every call,
// and the envelope insert (envelope-sql.ts), which takes a send's charge in the send's
// own statement: on this VM each round trip to the database costs a send more than
// the insert, and the bucket take was one of a send's two.
// Each take refills and takes from its buckets atomically (row-locked by ON CONFLICT,
// with the database's clock: nodes' clocks may differ). A bucket takes only if it can
// (or, asked for debt, goes at most one burst below zero). A statement never holds the
// same bucket twice (ON CONFLICT cannot update a row twice): callers merge accordingly.
// The table is UNLOGGED (buckets are not worth a WAL write; a crash refills them).
import type { Sql } from "./driver";

/** A call's charge: `cost` tokens from each of its two buckets (a client's, its address's). */
export interface BucketCharge {
  keyOne: string;
  keyAll: string;
  one: { perMs: number; burst: number };
  all: { perMs: number; burst: number };
  cost: number;
}

/** What a bucket held after refill, and whether it took the charge. */
export interface BucketTaken {
  refilled: number;
  took: boolean;
}

/** A charge the statement refused: at least one of its buckets could not pay. */
export interface BucketRefusal {
  one: BucketTaken;
  all: BucketTaken;
}

export function createBucketTable(sql: Sql): Promise<unknown> {
  return sql.query(`CREATE UNLOGGED TABLE IF NOT EXISTS rate_buckets (
    key text PRIMARY KEY,
    tokens float8 NOT NULL,
    at_ms float8 NOT NULL,
    per_ms float8 NOT NULL,
    burst float8 NOT NULL,
    refilled float8 NOT NULL,
    took boolean NOT NULL)`);
}

/** The take's parameters for these charges (keys, per_ms, burst, cost), both buckets of each. */
export function bucketTakeParams(charges: readonly BucketCharge[]): unknown[] {
  const rows = charges.flatMap((c) => [
    { key: c.keyOne, rate: c.one, cost: c.cost },
    { key: c.keyAll, rate: c.all, cost: c.cost },
  ]);
  return [
    rows.map((x) => x.key),
    rows.map((x) => x.rate.perMs),
    rows.map((x) => x.rate.burst),
    rows.map((x) => x.cost),
  ];
}

// R = the bucket refilled to now; C = the cost. A fresh row takes its cost from a full
// bucket; the cost travels as that fresh row's deficit (burst − tokens, exact: both are
// whole numbers), as ON CONFLICT sees only the proposed row.
const R =
  "LEAST(EXCLUDED.burst, b.tokens + GREATEST(0, EXCLUDED.at_ms - b.at_ms) * EXCLUDED.per_ms)";
const C = "(EXCLUDED.burst - EXCLUDED.tokens)";

/**
 * Refill then take, for every bucket of the parameters `first`… (bucketTakeParams'
 * four lists, then `debt`, an SQL boolean). Sorted by key, so two statements lock
 * shared rows in the same order and cannot deadlock. Returns key, refilled, took.
 */
export function bucketTakeSql(first: number, debt: string): string {
  const p = (i: number) => `$${first + i}`;
  return `
INSERT INTO rate_buckets AS b (key, tokens, at_ms, per_ms, burst, refilled, took)
SELECT v.key, v.burst - v.cost, clock.ms, v.per_ms, v.burst, v.burst, true
FROM unnest(${p(0)}::text[], ${p(1)}::float8[], ${p(2)}::float8[], ${p(3)}::float8[]) AS v(key, per_ms, burst, cost),
     (SELECT extract(epoch FROM clock_timestamp())::float8 * 1000 AS ms) clock
ORDER BY v.key COLLATE "C"
ON CONFLICT (key) DO UPDATE SET
  refilled = ${R},
  took = ${R} >= ${C},
  tokens = CASE WHEN ${R} >= ${C} OR ${debt}
    THEN GREATEST(-EXCLUDED.burst, ${R} - ${C}) ELSE ${R} END,
  at_ms = GREATEST(b.at_ms, EXCLUDED.at_ms),
  per_ms = EXCLUDED.per_ms,
  burst = EXCLUDED.burst
RETURNING key, refilled, took`;
}

/** Gives `cost` back to each bucket (a refused call's bucket that could pay). */
export const REFUND_SQL = `
UPDATE rate_buckets b SET tokens = LEAST(b.burst, b.tokens + u.cost)
FROM unnest($1::text[], $2::float8[]) AS u(key, cost) WHERE b.key = u.key`;

/** The sweep: drops buckets that have refilled to full (the same as no bucket). */
export const SWEEP_SQL = `
DELETE FROM rate_buckets
WHERE tokens + (extract(epoch FROM clock_timestamp())::float8 * 1000 - at_ms) * per_ms >= burst`;
