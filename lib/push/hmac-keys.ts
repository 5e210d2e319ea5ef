// libxmtp's push HMAC keys (xmtp_mls groups::hmac_keys): one random root key per inbox,
// shared by its installations through the SYNC group; per group and 30-day period a key
// = HKDF-SHA256(salt "libXMTP HKDF salt!", ikm = root ‖ group_id, info = group_id ‖
// period as i64 little-endian, 42 bytes). A sender puts HMAC-SHA256(key, data) in the
// envelope's sender_hmac; the node, holding the subscriber's keys for that group, sees
// that the subscriber's own inbox sent it and learns nothing else.
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, equalBytes, hkdfSha256, utf8 } from "../crypto";

const HMAC_SALT = utf8("libXMTP HKDF salt!");
const SECS_IN_30_DAYS = 60 * 60 * 24 * 30;
export const HMAC_KEY_BYTES = 42;

export interface PushHmacKey {
  key: Uint8Array;
  /** 30-day periods since the Unix epoch (libxmtp's `epoch`). */
  period: bigint;
}

export function hmacPeriod(nowMs = Date.now()): bigint {
  return BigInt(Math.floor(nowMs / 1000 / SECS_IN_30_DAYS));
}

function periodBytes(period: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, period, true);
  return out;
}

/** Keys for the periods around now: `deltas` -1..1 covers a clock near a boundary. */
export function pushHmacKeys(
  rootKey: Uint8Array,
  groupId: Uint8Array,
  deltas: readonly number[] = [-1, 0, 1],
  nowMs = Date.now(),
): PushHmacKey[] {
  const ikm = concatBytes(rootKey, groupId);
  const current = hmacPeriod(nowMs);
  return deltas.map((d) => {
    const period = current + BigInt(d);
    const info = concatBytes(groupId, periodBytes(period));
    return { key: hkdfSha256(ikm, HMAC_SALT, info, HMAC_KEY_BYTES), period };
  });
}

export function senderHmac(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(sha256, key, data);
}

/** True when `mac` is HMAC-SHA256 of `data` under one of `keys` (the node's check). */
export function sentUnderOneOf(
  keys: readonly Uint8Array[],
  data: Uint8Array,
  mac: Uint8Array,
): boolean {
  if (mac.length === 0) return false;
  return keys.some((k) => equalBytes(senderHmac(k, data), mac));
}
