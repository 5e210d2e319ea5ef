// Picks the rate limiter's bucket store from the config (RATE_LIMIT_STORE / REDIS_URL /
// DATABASE_URL): buckets shared by every node, or this process's own.
import type { RateLimitConfig } from "../config";
import type { Driver } from "../store/driver";
import { TokenBucketLimiter, type RateLimiter } from "./rate-limit";
import { PostgresRateLimiter } from "./rate-limit-postgres";

export async function openRateLimiter(config: RateLimitConfig, db: Driver): Promise<RateLimiter> {
  switch (config.store ?? "memory") {
    case "postgres":
      if (db.kind !== "postgres") throw new Error("RATE_LIMIT_STORE=postgres needs DATABASE_URL");
      return PostgresRateLimiter.open(config, db);
    case "redis": {
      const { RedisRateLimiter } = await import("./rate-limit-redis");
      return RedisRateLimiter.open(config);
    }
    default:
      return new TokenBucketLimiter(config);
  }
}
