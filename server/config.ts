// Node configuration from the environment; both entry points read it the same way.
import fs from "node:fs";
import path from "node:path";
import { ConfigError } from "./config-error";
import { parseChainRpcUrls } from "../lib/identity/scw/rpc-urls";
import type { PushConfig } from "./push/config";
import { pushFrom } from "./push/config";
import type { RetentionConfig } from "./store/retention";

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
  /** Subscribe limits (api/stream-guard.ts, stream/engine.ts). */
  streams: StreamLimitsConfig;
  /**
   * Trusted proxy hops in front of the node (0 = none): the client address is the
   * `x-forwarded-for` entry this many places from the right (api/client-address.ts).
   */
  trustProxy: number;
  /** How long a shutdown waits for in-flight requests before cutting connections. */
  shutdownGraceMs: number;
  /**
   * The origin peers reach this node at (e.g. https://chat.example.org): attachment
   * URLs are built from it. Absent = from the uploading request's Host.
   */
  publicUrl?: string;
  attachments: AttachmentsConfig;
  http: HttpConfig;
  /** Envelope retention and expired key packages (store/retention.ts). */
  retention: RetentionConfig;
  /** Web Push: VAPID keys and delivery (server/push). */
  push: PushConfig;
  /** Smart-contract wallet signatures: a JSON-RPC URL per chain ID (server/chain). */
  chain: ChainConfig;
}

export interface ChainConfig {
  /** CHAIN_RPC_URLS; empty = SCW identity updates are refused (scw_unverifiable). */
  rpcUrls: Map<bigint, string>;
}

function chainFrom(env: NodeJS.ProcessEnv): ChainConfig {
  try {
    return { rpcUrls: parseChainRpcUrls(env.CHAIN_RPC_URLS, "CHAIN_RPC_URLS") };
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

export interface HttpConfig {
  /** TLS with HTTP/2 and HTTP/1.1 (ALPN) when both files are given. */
  tls?: { certFile: string; keyFile: string };
  /** Cleartext HTTP/2 (prior knowledge) next to HTTP/1.1, for a TLS-terminating proxy. */
  h2c: boolean;
}

export interface AttachmentsConfig {
  /** Where blobs live: files in `dir`, PostgreSQL large objects, or an S3-compatible bucket. */
  store: "fs" | "postgres" | "s3";
  /** Largest accepted blob in bytes. */
  maxBytes: number;
  /** The fs store's folder; every backend spools uploads in `<dir>/.tmp` while hashing. */
  dir: string;
  s3?: S3Config;
}

export interface S3Config {
  /** http(s)://host[:port] of the S3 API; objects are addressed path-style. */
  endpoint: string;
  bucket: string;
  region: string;
  /** Key prefix inside the bucket, e.g. "attachments/". */
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
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
  /**
   * Where buckets live: this process ("memory"), the shared PostgreSQL or Redis (every
   * node on it charges one budget per client). Absent = memory.
   */
  store?: "memory" | "postgres" | "redis";
  redisUrl?: string;
}

export interface StreamLimitsConfig {
  /** Filters (topics) one stream may carry. */
  maxFilters: number;
  /** Streams open at once per client (address + inbox); an address gets ipMultiplier times this. */
  maxPerClient: number;
  /** Stream queries (catch-up pages and live reads) in flight at once, all streams together. */
  queryConcurrency: number;
  /** Bytes one stream's response may hold for a slow reader before it stops reading rows. */
  sendBufferBytes: number;
  /** Seconds a stream may stay over that before it is cut (the client resumes from its cursor). */
  stallSeconds: number;
}

export { ConfigError } from "./config-error";

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

/** 0/false = no proxy, 1/true = one, N = that many proxies in a row (each appends a hop). */
function hopsFrom(env: NodeJS.ProcessEnv, name: string): number {
  const raw = env[name];
  if (raw === "true") return 1;
  if (raw === "false") return 0;
  return intFrom(env, name, 0, 0, 16);
}

function baseUrlFrom(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || url.username) {
    throw new ConfigError(`${name} must be an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  return url.href.replace(/\/+$/, "");
}

const ATTACHMENT_STORES = ["fs", "postgres", "s3"] as const;

function attachmentsFrom(
  env: NodeJS.ProcessEnv,
  dataDir: string,
  databaseUrl: string | undefined,
): AttachmentsConfig {
  // Several nodes on one PostgreSQL must all serve every blob: share them in the database.
  const store = env.ATTACHMENTS_STORE || (databaseUrl ? "postgres" : "fs");
  if (!(ATTACHMENT_STORES as readonly string[]).includes(store)) {
    throw new ConfigError(
      `ATTACHMENTS_STORE must be one of ${ATTACHMENT_STORES.join(", ")}, got ${JSON.stringify(store)}`,
    );
  }
  if (store === "postgres" && !databaseUrl) {
    throw new ConfigError(
      "ATTACHMENTS_STORE=postgres needs DATABASE_URL (PGlite has no large objects to spare)",
    );
  }
  const out: AttachmentsConfig = {
    store: store as AttachmentsConfig["store"],
    maxBytes: intFrom(env, "ATTACHMENTS_MAX_BYTES", 25 * 1024 * 1024, 1, 2 ** 32),
    dir: path.resolve(env.ATTACHMENTS_DIR || path.join(dataDir, "attachments")),
  };
  if (store === "s3") {
    const need = (name: string, fallback?: string): string => {
      const v = env[name] || (fallback ? env[fallback] : undefined);
      if (!v) throw new ConfigError(`ATTACHMENTS_STORE=s3 needs ${name}`);
      return v;
    };
    out.s3 = {
      endpoint: baseUrlFrom(env, "ATTACHMENTS_S3_ENDPOINT") ?? need("ATTACHMENTS_S3_ENDPOINT"),
      bucket: need("ATTACHMENTS_S3_BUCKET"),
      region: env.ATTACHMENTS_S3_REGION || "us-east-1",
      prefix: env.ATTACHMENTS_S3_PREFIX ?? "",
      accessKeyId: need("ATTACHMENTS_S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"),
      secretAccessKey: need("ATTACHMENTS_S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"),
    };
  }
  return out;
}

const RATE_LIMIT_STORES = ["memory", "postgres", "redis"] as const;

/** Default: Redis when REDIS_URL is set, else PostgreSQL when DATABASE_URL is, else memory. */
function rateLimitStoreFrom(
  env: NodeJS.ProcessEnv,
  databaseUrl: string | undefined,
): Pick<RateLimitConfig, "store" | "redisUrl"> {
  const redisUrl = env.REDIS_URL || undefined;
  const store = env.RATE_LIMIT_STORE || (redisUrl ? "redis" : databaseUrl ? "postgres" : "memory");
  if (!(RATE_LIMIT_STORES as readonly string[]).includes(store)) {
    throw new ConfigError(
      `RATE_LIMIT_STORE must be one of ${RATE_LIMIT_STORES.join(", ")}, got ${JSON.stringify(store)}`,
    );
  }
  if (store === "postgres" && !databaseUrl) {
    throw new ConfigError("RATE_LIMIT_STORE=postgres needs DATABASE_URL");
  }
  if (store === "redis" && !redisUrl) {
    throw new ConfigError("RATE_LIMIT_STORE=redis needs REDIS_URL (e.g. redis://127.0.0.1:6379)");
  }
  return { store: store as RateLimitConfig["store"], redisUrl };
}

function httpFrom(env: NodeJS.ProcessEnv): HttpConfig {
  const certFile = env.TLS_CERT_FILE || undefined;
  const keyFile = env.TLS_KEY_FILE || undefined;
  if (!!certFile !== !!keyFile) {
    throw new ConfigError("TLS_CERT_FILE and TLS_KEY_FILE go together: set both or neither");
  }
  for (const [name, file] of [
    ["TLS_CERT_FILE", certFile],
    ["TLS_KEY_FILE", keyFile],
  ] as const) {
    if (file && !fs.existsSync(file)) throw new ConfigError(`${name}: no file at ${file}`);
  }
  const h2cRaw = env.HTTP2_CLEARTEXT ?? "";
  if (!["", "0", "1", "true", "false"].includes(h2cRaw)) {
    throw new ConfigError(`HTTP2_CLEARTEXT must be 1 or 0, got ${JSON.stringify(h2cRaw)}`);
  }
  return {
    tls: certFile && keyFile ? { certFile, keyFile } : undefined,
    h2c: h2cRaw === "1" || h2cRaw === "true",
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const schema = env.DATABASE_SCHEMA || "public";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError(
      `DATABASE_SCHEMA must be a lowercase SQL identifier, got ${JSON.stringify(schema)}`,
    );
  }
  const dataDir = path.resolve(env.DATA_DIR || "./.data");
  const databaseUrl = env.DATABASE_URL || undefined;
  return {
    port: intFrom(env, "PORT", 3000, 0, 65535),
    host: env.HOST || "0.0.0.0",
    dataDir,
    databaseUrl,
    databaseSchema: schema,
    keepaliveSeconds: intFrom(env, "KEEPALIVE_SECONDS", 25, 1, 3600),
    rateLimit: {
      readsPerMin: intFrom(env, "RATE_LIMIT_READS_PER_MIN", 4000, 0, 1e9),
      readBurst: intFrom(env, "RATE_LIMIT_READ_BURST", 20_000, 1, 1e9),
      writesPerMin: intFrom(env, "RATE_LIMIT_WRITES_PER_MIN", 600, 0, 1e9),
      writeBurst: intFrom(env, "RATE_LIMIT_WRITE_BURST", 3000, 1, 1e9),
      ipMultiplier: intFrom(env, "RATE_LIMIT_IP_MULTIPLIER", 4, 1, 1000),
      maxBuckets: intFrom(env, "RATE_LIMIT_MAX_BUCKETS", 100_000, 100, 1e8),
      ...rateLimitStoreFrom(env, databaseUrl),
    },
    streams: {
      maxFilters: intFrom(env, "STREAM_MAX_FILTERS", 5000, 1, 100_000),
      maxPerClient: intFrom(env, "STREAM_MAX_PER_CLIENT", 8, 1, 10_000),
      queryConcurrency: intFrom(env, "STREAM_QUERY_CONCURRENCY", 4, 1, 256),
      sendBufferBytes: intFrom(env, "STREAM_SEND_BUFFER_BYTES", 1024 * 1024, 16 * 1024, 2 ** 30),
      stallSeconds: intFrom(env, "STREAM_STALL_SECONDS", 30, 1, 3600),
    },
    trustProxy: hopsFrom(env, "TRUST_PROXY"),
    shutdownGraceMs: intFrom(env, "SHUTDOWN_GRACE_MS", 5000, 0, 600_000),
    publicUrl: baseUrlFrom(env, "PUBLIC_URL"),
    attachments: attachmentsFrom(env, dataDir, databaseUrl),
    http: httpFrom(env),
    retention: {
      envelopeDays: intFrom(env, "ENVELOPE_RETENTION_DAYS", 0, 0, 36_500),
      intervalSeconds: intFrom(env, "RETENTION_INTERVAL_SECONDS", 3600, 0, 86_400), // 0 = off
    },
    push: pushFrom(env, baseUrlFrom(env, "PUBLIC_URL")),
    chain: chainFrom(env),
  };
}
