// Token buckets in Redis (RATE_LIMIT_STORE=redis / REDIS_URL): every node on one Redis
// charges one budget per client. One round trip per call: a Lua script refills and
// takes from both buckets atomically with Redis's clock (all or nothing, as in memory:
// a refusal costs nothing unless the call asked for debt). Each bucket expires when it
// would have refilled, so Redis forgets idle clients on its own. Both keys carry the
// address as a hash tag, so they sit in one slot of a Redis Cluster.
import { Redis } from "ioredis";
import type { RateLimitConfig } from "../config";
import { errorFields, log, type LogFields } from "../log";
import {
  bucketKeys,
  classRates,
  rateLimitError,
  type ClassRates,
  type RateCall,
  type RateLimiter,
} from "./rate-limit";

// KEYS: the client's bucket, the address's. ARGV: perMs and burst of each, cost, debt (1/0).
// Returns 0 when taken, else the milliseconds until both buckets hold `cost`.
const TAKE_LUA = `
local tm = redis.call('TIME')
local now = tonumber(tm[1]) * 1000 + tonumber(tm[2]) / 1000
local cost, debt = tonumber(ARGV[5]), ARGV[6] == '1'
local function level(key, per, burst)
  local v = redis.call('HMGET', key, 't', 'a')
  if not v[1] then return burst end
  return math.min(burst, tonumber(v[1]) + math.max(0, now - tonumber(v[2])) * per)
end
local function put(key, t, per, burst)
  redis.call('HSET', key, 't', tostring(t), 'a', tostring(now))
  redis.call('PEXPIRE', key, math.ceil((burst - t) / per) + 1000)
end
local p1, b1, p2, b2 = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local t1, t2 = level(KEYS[1], p1, b1), level(KEYS[2], p2, b2)
local ok = t1 >= cost and t2 >= cost
if ok or debt then
  put(KEYS[1], math.max(-b1, t1 - cost), p1, b1)
  put(KEYS[2], math.max(-b2, t2 - cost), p2, b2)
end
if ok then return 0 end
return math.max(1, math.ceil(math.max((cost - t1) / p1, (cost - t2) / p2)))
`;

type WithTake = Redis & {
  rateTake(k1: string, k2: string, ...args: (string | number)[]): Promise<number>;
};

export class RedisRateLimiter implements RateLimiter {
  private readonly rates: ClassRates;
  private readonly lastLogged = new Map<string, number>();
  refused = 0;

  private constructor(
    private readonly config: RateLimitConfig,
    private readonly redis: WithTake,
  ) {
    this.rates = classRates(config);
  }

  static async open(config: RateLimitConfig): Promise<RedisRateLimiter> {
    if (!config.redisUrl) throw new Error("RATE_LIMIT_STORE=redis needs REDIS_URL");
    const redis = new Redis(config.redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
    }) as WithTake;
    redis.defineCommand("rateTake", { numberOfKeys: 2, lua: TAKE_LUA });
    redis.on("error", (err) => log.warn("redis error", errorFields(err)));
    await redis.connect();
    return new RedisRateLimiter(config, redis);
  }

  async check(call: RateCall): Promise<void> {
    const k = bucketKeys(call, this.rates);
    if (!k) return;
    const inbox = k.keyOne.slice(k.keyAll.length);
    const tag = `rl:{${k.keyAll}}`;
    let wait: number;
    try {
      wait = await this.redis.rateTake(
        `${tag}${inbox}`,
        tag,
        k.one.perMs,
        k.one.burst,
        k.all.perMs,
        k.all.burst,
        k.cost,
        call.debt ? "1" : "0",
      );
    } catch (err) {
      // Redis away: serve rather than refuse everyone (the database still bounds the node);
      // the outage is logged, once a minute.
      this.logOnce("redis-down", call, "any", errorFields(err));
      return;
    }
    if (Number(wait) === 0) return;
    this.refused++;
    this.logOnce(k.keyOne, call, k.cls === "w" ? "writes" : "reads");
    throw rateLimitError(this.config, k.cls, Number(wait));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private logOnce(key: string, call: RateCall, what: string, extra?: LogFields): void {
    const now = Date.now();
    const last = this.lastLogged.get(key);
    if (last !== undefined && now - last < 60_000) return;
    this.lastLogged.set(key, now);
    for (const [k, at] of this.lastLogged) if (now - at > 60_000) this.lastLogged.delete(k);
    if (extra) log.warn("rate limit store unreachable: call allowed", extra);
    else log.warn("rate limited", { peer: call.peer, procedure: call.procedure, class: what });
  }
}
