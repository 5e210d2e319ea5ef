// Push subscriptions and topics in the node's database (migration 6), same SQL on
// PGlite and PostgreSQL.
import type { Driver } from "../store/driver";
import { toBytes } from "../store/rows";

export interface PushSubscriptionRow {
  installationKey: Uint8Array;
  inboxId: string;
  endpoint: string;
  p256dh: Uint8Array;
  auth: Uint8Array;
}

/** A subscriber of one group: its subscription and its serialized PushTopic for the group. */
export interface PushTarget extends PushSubscriptionRow {
  topic: Uint8Array;
}

function subscriptionRow(r: Record<string, unknown>): PushSubscriptionRow {
  return {
    installationKey: toBytes(r.installation_key, "installation_key"),
    inboxId: String(r.inbox_id),
    endpoint: String(r.endpoint),
    p256dh: toBytes(r.p256dh, "p256dh"),
    auth: toBytes(r.auth, "auth"),
  };
}

export class PushStore {
  constructor(private readonly driver: Driver) {}

  /**
   * Creates or replaces the installation's subscription if `timestampNs` is newer than the
   * last change applied for it; false = a replay (or an older change), nothing written.
   */
  async upsertSubscription(
    s: PushSubscriptionRow & { timestampNs: bigint; nowNs: bigint },
  ): Promise<boolean> {
    const rows = await this.driver.query(
      `INSERT INTO push_subscriptions AS p
         (installation_key, inbox_id, endpoint, p256dh, auth, last_timestamp_ns, created_ns)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (installation_key) DO UPDATE SET
         inbox_id = EXCLUDED.inbox_id, endpoint = EXCLUDED.endpoint, p256dh = EXCLUDED.p256dh,
         auth = EXCLUDED.auth, last_timestamp_ns = EXCLUDED.last_timestamp_ns
       WHERE p.last_timestamp_ns < EXCLUDED.last_timestamp_ns
       RETURNING installation_key`,
      [s.installationKey, s.inboxId, s.endpoint, s.p256dh, s.auth, s.timestampNs, s.nowNs],
    );
    return rows.length === 1;
  }

  /** "missing" = no subscription; "stale" = not newer than the last change applied. */
  async advanceTimestamp(
    installationKey: Uint8Array,
    timestampNs: bigint,
    sql: Pick<Driver, "query"> = this.driver,
  ): Promise<"ok" | "missing" | "stale"> {
    const rows = await sql.query(
      `UPDATE push_subscriptions SET last_timestamp_ns = $2
       WHERE installation_key = $1 AND last_timestamp_ns < $2 RETURNING installation_key`,
      [installationKey, timestampNs],
    );
    if (rows.length === 1) return "ok";
    const exists = await sql.query(
      `SELECT 1 AS one FROM push_subscriptions WHERE installation_key = $1`,
      [installationKey],
    );
    return exists.length === 0 ? "missing" : "stale";
  }

  /** Removes the subscription and its topics (also when the push service says it is gone). */
  async deleteSubscription(installationKey: Uint8Array, endpoint?: string): Promise<void> {
    if (endpoint === undefined) {
      await this.driver.query(`DELETE FROM push_subscriptions WHERE installation_key = $1`, [
        installationKey,
      ]);
      return;
    }
    // Only the endpoint that failed: a newer subscription registered meanwhile stays.
    await this.driver.query(
      `DELETE FROM push_subscriptions WHERE installation_key = $1 AND endpoint = $2`,
      [installationKey, endpoint],
    );
  }

  /** Replaces the installation's topics, after its timestamp moved forward (same transaction). */
  async setTopics(
    installationKey: Uint8Array,
    timestampNs: bigint,
    topics: { groupId: Uint8Array; topic: Uint8Array }[],
  ): Promise<"ok" | "missing" | "stale"> {
    return this.driver.transaction(async (tx) => {
      const moved = await this.advanceTimestamp(installationKey, timestampNs, tx);
      if (moved !== "ok") return moved;
      await tx.query(`DELETE FROM push_topics WHERE installation_key = $1`, [installationKey]);
      for (const t of topics) {
        await tx.query(
          `INSERT INTO push_topics (installation_key, group_id, topic) VALUES ($1, $2, $3)`,
          [installationKey, t.groupId, t.topic],
        );
      }
      return "ok";
    });
  }

  async subscription(installationKey: Uint8Array): Promise<PushSubscriptionRow | undefined> {
    const rows = await this.driver.query(
      `SELECT * FROM push_subscriptions WHERE installation_key = $1`,
      [installationKey],
    );
    return rows[0] ? subscriptionRow(rows[0]) : undefined;
  }

  /** Every installation subscribed to a group's pushes. */
  async targets(groupId: Uint8Array): Promise<PushTarget[]> {
    const rows = await this.driver.query(
      `SELECT s.*, t.topic FROM push_topics t
       JOIN push_subscriptions s ON s.installation_key = t.installation_key
       WHERE t.group_id = $1`,
      [groupId],
    );
    return rows.map((r) => ({ ...subscriptionRow(r), topic: toBytes(r.topic, "topic") }));
  }
}
