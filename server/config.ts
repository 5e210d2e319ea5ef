// Node configuration from the environment; both entry points read it the same way.
import path from "node:path";

export interface NodeConfig {
  /** 0 = any free port. */
  port: number;
  host: string;
  /** PGlite data folder (ignored when databaseUrl is set). */
  dataDir: string;
  /** PostgreSQL connection string; absent = embedded PGlite. */
  databaseUrl?: string;
  /** PostgreSQL schema to use (tests isolate runs with it); default "public". */
  databaseSchema: string;
  /** Seconds between keepalive events on Subscribe streams. */
  keepaliveSeconds: number;
  /** Per-client token buckets (api/rate-limit.ts). */
  rateLimit: RateLimitConfig;
  /** Take the client address from the first `x-forwarded-for` hop (behind a proxy you run). */
  trustProxy: boolean;
  /** How long a shutdown waits for in-flight requests before cutting connections. */
  shutdownGraceMs: number;
}

export interface RateLimitConfig {
  /** Tokens per minute; 0 turns that class off. */
  readsPerMin: number;
  readBurst: number;
  writesPerMin: number;
  writeBurst: number;
  /** One address's total budget is this many times one inbox's (several users behind one NAT). */
  ipMultiplier: number;
  /** Hard cap on buckets held in memory. */
  maxBuckets: number;
}

export class ConfigError extends Error {
  readonly code = "bad_config";
  readonly retryable = false;
}

function intFrom(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(
      `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

function boolFrom(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "" || raw === "0" || raw === "false") return false;
  if (raw === "1" || raw === "true") return true;
  throw new ConfigError(`${name} must be 0, 1, true or false, got ${JSON.stringify(raw)}`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const schema = env.DATABASE_SCHEMA || "public";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError(
      `DATABASE_SCHEMA must be a lowercase SQL identifier, got ${JSON.stringify(schema)}`,
    );
  }
  return {
    port: intFrom(env, "PORT", 3000, 0, 65535),
    host: env.HOST || "0.0.0.0",
    dataDir: path.resolve(env.DATA_DIR || "./.data"),
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: schema,
    keepaliveSeconds: intFrom(env, "KEEPALIVE_SECONDS", 25, 1, 3600),
    rateLimit: {
      readsPerMin: intFrom(env, "RATE_LIMIT_READS_PER_MIN", 4000, 0, 1e9),
      readBurst: intFrom(env, "RATE_LIMIT_READ_BURST", 20_000, 1, 1e9),
      writesPerMin: intFrom(env, "RATE_LIMIT_WRITES_PER_MIN", 600, 0, 1e9),
      writeBurst: intFrom(env, "RATE_LIMIT_WRITE_BURST", 3000, 1, 1e9),
      ipMultiplier: intFrom(env, "RATE_LIMIT_IP_MULTIPLIER", 4, 1, 1000),
      maxBuckets: intFrom(env, "RATE_LIMIT_MAX_BUCKETS", 100_000, 100, 1e8),
    },
    trustProxy: boolFrom(env, "TRUST_PROXY"),
    shutdownGraceMs: intFrom(env, "SHUTDOWN_GRACE_MS", 5000, 0, 600_000),
  };
}
