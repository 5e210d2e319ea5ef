// Schema migrations: applied once, in order, under an advisory lock so several
// node processes starting on one database do not race. SQL kept to what both
// PostgreSQL 15 and PGlite (PostgreSQL 18) accept.
import type { Driver } from "./driver";

const MIGRATIONS: { version: number; statements: string[] }[] = [
  {
    version: 1,
    statements: [
      // The identity log: sequence_id is node-wide and increasing.
      `CREATE TABLE identity_updates (
         sequence_id BIGSERIAL PRIMARY KEY,
         inbox_id TEXT NOT NULL,
         server_timestamp_ns BIGINT NOT NULL,
         bytes BYTEA NOT NULL)`,
      `CREATE INDEX identity_updates_inbox ON identity_updates (inbox_id, sequence_id)`,
      // Current address -> inbox associations, rewritten from each verified state.
      `CREATE TABLE inbox_addresses (
         address TEXT NOT NULL,
         inbox_id TEXT NOT NULL,
         sequence_id BIGINT NOT NULL,
         PRIMARY KEY (address, inbox_id))`,
      // Every signature ever accepted (hex, canonical form), node-wide.
      `CREATE TABLE seen_signatures (
         signature TEXT PRIMARY KEY,
         inbox_id TEXT NOT NULL,
         sequence_id BIGINT NOT NULL)`,
      `CREATE TABLE key_packages (
         installation_key BYTEA PRIMARY KEY,
         inbox_id TEXT NOT NULL,
         created_ns BIGINT NOT NULL,
         key_package BYTEA NOT NULL)`,
      `CREATE TABLE group_messages (
         id BIGSERIAL PRIMARY KEY,
         group_id BYTEA NOT NULL,
         created_ns BIGINT NOT NULL,
         data BYTEA NOT NULL,
         sender_hmac BYTEA NOT NULL,
         should_push BOOLEAN NOT NULL,
         content_hash BYTEA NOT NULL,
         UNIQUE (group_id, content_hash))`,
      `CREATE INDEX group_messages_group ON group_messages (group_id, id)`,
      `CREATE TABLE welcome_messages (
         id BIGSERIAL PRIMARY KEY,
         installation_key BYTEA NOT NULL,
         created_ns BIGINT NOT NULL,
         data BYTEA NOT NULL,
         hpke_public_key BYTEA NOT NULL,
         wrapper_algorithm INTEGER NOT NULL,
         content_hash BYTEA NOT NULL,
         UNIQUE (installation_key, content_hash))`,
      `CREATE INDEX welcome_messages_installation ON welcome_messages (installation_key, id)`,
    ],
  },
  {
    version: 2,
    statements: [
      // Per-group commit logs (XMTP's BatchPublishCommitLog): opaque signed entries,
      // id node-wide and increasing within a group (inserts hold the group's log lock).
      `CREATE TABLE commit_log (
         id BIGSERIAL PRIMARY KEY,
         group_id BYTEA NOT NULL,
         created_ns BIGINT NOT NULL,
         entry BYTEA NOT NULL,
         signature BYTEA NOT NULL,
         signer_public_key BYTEA NOT NULL,
         content_hash BYTEA NOT NULL,
         UNIQUE (group_id, content_hash))`,
      `CREATE INDEX commit_log_group ON commit_log (group_id, id)`,
    ],
  },
  {
    version: 3,
    statements: [
      // The stored key package's signed lifetime.not_before (seconds): uploads may not go
      // back in time (Store.upsertKeyPackage). Rows from before it count as 0: any upload wins.
      `ALTER TABLE key_packages ADD COLUMN not_before BIGINT NOT NULL DEFAULT 0`,
    ],
  },
  {
    version: 4,
    statements: [
      // XMTP's GroupMessage.is_commit, read from the MLS framing on insert. Rows from
      // before it say false (the node did not keep the flag then).
      `ALTER TABLE group_messages ADD COLUMN is_commit BOOLEAN NOT NULL DEFAULT false`,
      // XMTP's welcome pointers (WelcomeMessage oneof 2; data holds welcome_pointer) and
      // V1's welcome_metadata (field 7).
      `ALTER TABLE welcome_messages ADD COLUMN is_pointer BOOLEAN NOT NULL DEFAULT false`,
      `ALTER TABLE welcome_messages ADD COLUMN welcome_metadata BYTEA NOT NULL DEFAULT '\\x'`,
    ],
  },
  {
    version: 5,
    statements: [
      // Retention (store/retention.ts): envelopes older than the configured age are
      // deleted oldest first, found by their node timestamp.
      `CREATE INDEX group_messages_created ON group_messages (created_ns)`,
      `CREATE INDEX welcome_messages_created ON welcome_messages (created_ns)`,
      // A key package's signed lifetime.not_after (seconds), filled in by the retention
      // job from the stored bytes (NULL = not read yet); expired ones are deleted.
      `ALTER TABLE key_packages ADD COLUMN not_after BIGINT`,
    ],
  },
  {
    version: 6,
    statements: [
      // Web Push (server/push): the node's VAPID key pair when not given by env (one row;
      // the first node to start on a database writes it, the others read it).
      `CREATE TABLE push_vapid (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         public_key TEXT NOT NULL,
         private_key TEXT NOT NULL,
         created_ns BIGINT NOT NULL)`,
      // One browser push subscription per installation; last_timestamp_ns is the newest
      // signed change applied (an older or equal one is a replay).
      `CREATE TABLE push_subscriptions (
         installation_key BYTEA PRIMARY KEY,
         inbox_id TEXT NOT NULL,
         endpoint TEXT NOT NULL,
         p256dh BYTEA NOT NULL,
         auth BYTEA NOT NULL,
         last_timestamp_ns BIGINT NOT NULL,
         created_ns BIGINT NOT NULL)`,
      // The conversations an installation wants pushes for, with its inbox's HMAC keys
      // for that group (serialized PushTopic), so its own messages are not pushed.
      `CREATE TABLE push_topics (
         installation_key BYTEA NOT NULL
           REFERENCES push_subscriptions (installation_key) ON DELETE CASCADE,
         group_id BYTEA NOT NULL,
         topic BYTEA NOT NULL,
         PRIMARY KEY (installation_key, group_id))`,
      `CREATE INDEX push_topics_group ON push_topics (group_id)`,
    ],
  },
  {
    version: 7,
    statements: [
      idBeforeFunction("group_message_id_before", "group_messages", "group_id"),
      idBeforeFunction("welcome_message_id_before", "welcome_messages", "installation_key"),
    ],
  },
  {
    version: 8,
    statements: [
      // The same functions, their query now one index probe whatever the plan cache
      // holds (idBeforeFunction): version 7's max() could be cached as a scan of the
      // topic's whole history.
      idBeforeFunction("group_message_id_before", "group_messages", "group_id"),
      idBeforeFunction("welcome_message_id_before", "welcome_messages", "installation_key"),
    ],
  },
];

/**
 * `<fn>(key, below)`: the topic's largest id under `below`, NULL if none. The send
 * statements call it after their insert (envelope-sql.ts) to tell the streams which id
 * the inserted rows follow. PL/pgSQL and VOLATILE on purpose: its query then takes a
 * fresh snapshot, so it sees the row of a send that committed while the calling
 * statement waited for the topic's lock (the statement's own snapshot, taken before
 * that wait, does not: a plain subquery there answered an id too old, and a stream at
 * that id was handed the new rows over the one it had not seen).
 */
function idBeforeFunction(name: string, table: string, column: string): string {
  // ORDER BY … LIMIT 1, not max(): PL/pgSQL keeps a session's plan, and the node's
  // warm-up runs this on empty tables, where max() was planned as an aggregate over
  // every index entry of the topic (not a probe): each send then read its group's whole
  // history, ~0.7 ms per call at 2,000 messages and growing (bench/README.md, session 15).
  return `CREATE OR REPLACE FUNCTION ${name}(k bytea, below bigint) RETURNS bigint
    LANGUAGE plpgsql VOLATILE AS $$
    DECLARE before bigint;
    BEGIN
      SELECT id INTO before FROM ${table} WHERE ${column} = k AND id < below
        ORDER BY id DESC LIMIT 1;
      RETURN before;
    END $$`;
}

/** How many migrations exist (versions may skip numbers). */
export const MIGRATION_COUNT = MIGRATIONS.length;

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** A fixed advisory-lock key for migrations ("msgrmigr" folded into 31 bits). */
const MIGRATION_LOCK_KEY = 0x4d5347;

export async function migrate(driver: Driver): Promise<number> {
  return driver.withSessionLock(MIGRATION_LOCK_KEY, async (sql) => {
    await sql.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const rows = await sql.query<{ version: unknown }>("SELECT version FROM schema_migrations");
    const applied = new Set(rows.map((r) => Number(r.version)));
    let count = 0;
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await driver.transaction(async (tx) => {
        for (const s of m.statements) await tx.query(s);
        await tx.query("INSERT INTO schema_migrations (version) VALUES ($1)", [m.version]);
      });
      count++;
    }
    return count;
  });
}
