// Inbox ID = hex(SHA-256(utf8(lowercase(address) + decimal(nonce)))), as XMTP computes it.
import { sha256, toHex, utf8 } from "../crypto";
import { IdentityError } from "./errors";

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

/** Validates an Ethereum address (0x + 40 hex) and returns it lowercased. */
export function normalizeAddress(address: string, field = "address"): string {
  if (typeof address !== "string" || !ADDRESS_RE.test(address)) {
    throw new IdentityError(
      "malformed_update",
      `${field} must be an Ethereum address: "0x" followed by 40 hex characters`,
      `got ${JSON.stringify(String(address).slice(0, 50))}`,
    );
  }
  return address.toLowerCase();
}

export function inboxIdFor(address: string, nonce: bigint = 0n): string {
  if (nonce < 0n || nonce >= 1n << 64n) {
    throw new IdentityError(
      "malformed_update",
      "the inbox nonce must be an unsigned 64-bit integer",
      `got ${nonce}`,
    );
  }
  return toHex(sha256(utf8(normalizeAddress(address) + nonce.toString(10))));
}
