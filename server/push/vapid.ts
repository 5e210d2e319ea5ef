// The node's VAPID identity (RFC 8292): from env, or generated on first start and kept in
// the store so every node on one database and every restart sign with the same key (a
// browser's subscription is bound to the public key it subscribed with).
import webpush from "web-push";
import { nowNs } from "../clock";
import type { Driver } from "../store/driver";

export interface VapidKeys {
  publicKey: string; // base64url, uncompressed P-256 point
  privateKey: string; // base64url, 32 bytes
  subject: string; // mailto: or https: URL the push service may contact
}

export interface VapidConfig {
  publicKey?: string;
  privateKey?: string;
  subject: string;
}

export async function loadVapidKeys(driver: Driver, config: VapidConfig): Promise<VapidKeys> {
  if (config.publicKey && config.privateKey) {
    return { publicKey: config.publicKey, privateKey: config.privateKey, subject: config.subject };
  }
  const fresh = webpush.generateVAPIDKeys();
  // The first node to get here wins; the others (and later starts) read its row.
  await driver.query(
    `INSERT INTO push_vapid (id, public_key, private_key, created_ns) VALUES (1, $1, $2, $3)
     ON CONFLICT (id) DO NOTHING`,
    [fresh.publicKey, fresh.privateKey, nowNs()],
  );
  const rows = await driver.query<{ public_key: string; private_key: string }>(
    `SELECT public_key, private_key FROM push_vapid WHERE id = 1`,
  );
  const row = rows[0]!;
  return { publicKey: row.public_key, privateKey: row.private_key, subject: config.subject };
}
