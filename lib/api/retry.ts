import { ApiError } from "./errors";
import { backoffDelay, sleep, type BackoffOptions } from "./backoff";

export interface RetryOptions extends BackoffOptions {
  attempts?: number;
  signal?: AbortSignal;
}

/** Runs `call`, retrying retryable node errors (429 honours the node's retry-after). */
export async function withRetry<T>(
  rpc: string,
  call: () => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const attempts = opts.attempts ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const apiErr = ApiError.from(err, rpc);
      if (!apiErr.retryable || attempt + 1 >= attempts || opts.signal?.aborted) throw apiErr;
      const wait = Math.max(apiErr.retryAfterMs ?? 0, backoffDelay(attempt, opts));
      await sleep(wait, opts.signal);
    }
  }
}
