// Pacing a broadcast under the node's rate limits (server/api/rate-limit.ts: per-inbox token
// buckets, 600 writes/min with a burst of 3,000 by default; over budget → ResourceExhausted
// with retry-after). A new DM costs about four writes (key packages read, commit, welcome,
// message), so one recipient every 400 ms stays near 600 writes/min: 100 recipients fit the
// burst many times over. When the node still says "slow down" (a lower limit, other tabs
// sending), the broadcast waits what it asks and doubles its interval.
import { ApiError, sleep } from "../../api";

export const DEFAULT_INTERVAL_MS = 400;
const MAX_INTERVAL_MS = 15_000;
/** With no retry-after hint, a rate-limit wait is at least this. */
const MIN_LIMIT_WAIT_MS = 1_000;

/** The node's rate-limit refusal somewhere in an error's causes: how long it asks to wait. */
export function rateLimitOf(err: unknown): { retryAfterMs: number } | undefined {
  for (let e = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ApiError && e.code === "resource_exhausted" && e.retryable)
      return { retryAfterMs: e.retryAfterMs ?? MIN_LIMIT_WAIT_MS };
  }
  return undefined;
}

export class Pacer {
  private last = 0;
  private intervalMs: number;
  /** Times the node refused for rate, across the broadcast (shown in the report). */
  limited = 0;

  constructor(
    intervalMs = DEFAULT_INTERVAL_MS,
    private readonly signal?: AbortSignal,
  ) {
    this.intervalMs = intervalMs;
  }

  /** Waits until the next recipient may start. */
  async turn(): Promise<void> {
    const wait = this.last + this.intervalMs - Date.now();
    if (wait > 0) await sleep(wait, this.signal);
    this.last = Date.now();
  }

  /** The node refused: wait what it asked, and go slower from now on. */
  async limitedFor(retryAfterMs: number): Promise<void> {
    this.limited++;
    this.intervalMs = Math.min(MAX_INTERVAL_MS, Math.max(this.intervalMs * 2, 100));
    await sleep(Math.max(retryAfterMs, MIN_LIMIT_WAIT_MS), this.signal);
    this.last = Date.now();
  }
}
