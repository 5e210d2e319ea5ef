// Seam for the rate limiter (a later issue): every RPC passes through `check`
// before its handler. Throw ConnectError(ResourceExhausted) to refuse.
import { createContextKey, type Interceptor } from "@connectrpc/connect";

export interface RateLimiter {
  check(call: { procedure: string; peer: string; streaming: boolean }): void | Promise<void>;
}

export const noRateLimit: RateLimiter = { check: () => undefined };

/** The caller's address, set per request by the HTTP adapter. */
export const peerKey = createContextKey<string>("unknown", { description: "client address" });

export function rateLimitInterceptor(limiter: RateLimiter): Interceptor {
  return (next) => async (req) => {
    await limiter.check({
      procedure: req.url,
      peer: req.contextValues.get(peerKey),
      streaming: req.stream,
    });
    return next(req);
  };
}
