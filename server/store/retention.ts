// Storage that does not grow forever: a periodic job on every node that
//   - deletes group messages and welcomes older than ENVELOPE_RETENTION_DAYS (0 = keep
//     all), oldest first, in batches, so no statement holds locks for long;
//   - deletes key packages whose signed lifetime has ended (no client may use them:
//     lib/mls/lifetime.ts refuses them), reading not_after from the stored bytes once.
// Several nodes on one database may run it at once: every step is idempotent.
// Cursors stay valid: a client resuming from before the horizon gets what is left.
import { parseKeyPackage } from "../../lib/mls";
import { nowNs } from "../clock";
import { errorFields, log } from "../log";
import type { Driver } from "./driver";
import { toBytes } from "./rows";

export interface RetentionConfig {
  /** Envelopes older than this many days are deleted; 0 keeps them forever. */
  envelopeDays: number;
  /** Seconds between runs. */
  intervalSeconds: number;
}

/** Rows per DELETE: small enough that one statement stays short on a busy table. */
const BATCH = 5000;
const NS_PER_DAY = 86_400n * 1_000_000_000n;

export interface RetentionRun {
  groupMessages: number;
  welcomes: number;
  keyPackages: number;
}

async function deleteOlder(db: Driver, table: string, cutoffNs: bigint): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await db.query(
      `DELETE FROM ${table} WHERE id IN (
         SELECT id FROM ${table} WHERE created_ns < $1 ORDER BY created_ns LIMIT ${BATCH})
       RETURNING 1 AS x`,
      [cutoffNs],
    );
    total += rows.length;
    if (rows.length < BATCH) return total;
  }
}

/** Reads not_after of key packages not read yet (once each), then deletes the expired. */
async function purgeKeyPackages(db: Driver, nowS: bigint): Promise<number> {
  for (;;) {
    const unread = await db.query(
      `SELECT installation_key, key_package FROM key_packages WHERE not_after IS NULL LIMIT 500`,
    );
    if (unread.length === 0) break;
    for (const r of unread) {
      let notAfter: bigint;
      try {
        // No lifetime, or unreadable (stored before validation existed): never expires here.
        notAfter = parseKeyPackage(toBytes(r.key_package, "key_package")).notAfter ?? 2n ** 62n;
      } catch {
        notAfter = 2n ** 62n;
      }
      // Only if the row still holds these bytes (an upload may have replaced it meanwhile).
      await db.query(
        `UPDATE key_packages SET not_after = $1 WHERE installation_key = $2 AND key_package = $3`,
        [notAfter, r.installation_key, r.key_package],
      );
    }
  }
  const gone = await db.query(`DELETE FROM key_packages WHERE not_after < $1 RETURNING 1 AS x`, [
    nowS,
  ]);
  return gone.length;
}

export async function runRetention(db: Driver, config: RetentionConfig): Promise<RetentionRun> {
  const out: RetentionRun = { groupMessages: 0, welcomes: 0, keyPackages: 0 };
  if (config.envelopeDays > 0) {
    const cutoff = nowNs() - BigInt(config.envelopeDays) * NS_PER_DAY;
    out.groupMessages = await deleteOlder(db, "group_messages", cutoff);
    out.welcomes = await deleteOlder(db, "welcome_messages", cutoff);
  }
  out.keyPackages = await purgeKeyPackages(db, BigInt(Math.floor(Date.now() / 1000)));
  return out;
}

/** Starts the periodic job (first run after one interval's jitter); returns its stop. */
export function startRetention(db: Driver, config: RetentionConfig): () => void {
  if (config.intervalSeconds === 0) return () => undefined; // RETENTION_INTERVAL_SECONDS=0: off
  let running = false;
  let stopped = false;
  const tick = async () => {
    if (running || stopped) return;
    running = true;
    const t0 = performance.now();
    try {
      const r = await runRetention(db, config);
      if (r.groupMessages + r.welcomes + r.keyPackages > 0) {
        log.info("retention", { ...r, ms: Math.round(performance.now() - t0) });
      }
    } catch (err) {
      // A run the node's shutdown cut short (its store closed under it) is no failure.
      if (!stopped) log.warn("retention failed", errorFields(err));
    } finally {
      running = false;
    }
  };
  // Jittered start, so nodes started together do not all run at the same moment.
  const first = setTimeout(
    () => void tick(),
    Math.min(60_000, config.intervalSeconds * 1000) * Math.random(),
  ).unref();
  const timer = setInterval(() => void tick(), config.intervalSeconds * 1000).unref();
  return () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
  };
}
