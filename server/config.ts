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
  };
}
