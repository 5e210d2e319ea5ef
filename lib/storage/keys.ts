// Key normalisation at the storage boundary: hex IDs and index-safe nanosecond timestamps.
// IndexedDB cannot index bigint, so ns timestamps are stored as 20-digit zero-padded decimal
// strings: lexical order == numeric order for the whole uint64 range.

import { toHex } from "../crypto";
import { StorageError } from "./errors";

export const NS_KEY_DIGITS = 20;
const U64_MAX = (1n << 64n) - 1n;
const HEX_RE = /^(?:[0-9a-f]{2})+$/;

export function nsKey(ns: bigint, field = "timestamp"): string {
  if (typeof ns !== "bigint" || ns < 0n || ns > U64_MAX) {
    throw new StorageError(
      "invalid_argument",
      `${field} must be a uint64 bigint, got ${String(ns)}`,
    );
  }
  return ns.toString().padStart(NS_KEY_DIGITS, "0");
}

export function nsFromKey(key: string): bigint {
  return BigInt(key);
}

/** Accepts bytes or hex (any case); returns lowercase hex. */
export function hexId(id: Uint8Array | string, field = "id"): string {
  const hex = typeof id === "string" ? id.toLowerCase() : toHex(id);
  if (!HEX_RE.test(hex))
    throw new StorageError(
      "invalid_argument",
      `${field} must be non-empty hex, got ${JSON.stringify(String(id).slice(0, 40))}`,
    );
  return hex;
}

/** Logical DM id: "dm:{a}:{b}" with both inbox IDs lowercased and sorted (PROTOCOL §2). */
export function dmIdFor(inboxA: string, inboxB: string): string {
  const [a, b] = [inboxA.toLowerCase(), inboxB.toLowerCase()].sort();
  return `dm:${a}:${b}`;
}

/** Copies a view so IndexedDB does not clone (and keep) the whole underlying buffer. */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.slice();
}

/**
 * Bounds of one conversation in the [conversationId+sentAtNs+id] index, built from fresh
 * literals every IndexedDB accepts: `[cid]` sorts before every longer key with that prefix,
 * and an array sorts after every string. (Dexie.maxKey is one shared `[[]]` object in some
 * setups; fake-indexeddb refuses a key that holds the same object twice.)
 */
export function conversationKeyRange(conversationId: string): [string[], [string, never[]]] {
  return [[conversationId], [conversationId, []]];
}
