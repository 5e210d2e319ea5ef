// Verifying one signature over an update's text and naming its signer.
// EOA: EIP-191 personal_sign, 65 bytes r||s||v; high-s is folded to low-s first.
// Installation: Ed25519ph (SHA-512 prehash) over the UTF-8 text, context below.
// Smart-contract wallets: only through the caller's verifier (an eth_call at a pinned block).
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { concatBytes, ed25519phVerify, keccak256, toHex, utf8 } from "../crypto";
import type { Signature } from "../proto/identity/associations/signature_pb";
import { IdentityError } from "./errors";
import { normalizeAddress } from "./inbox-id";
import { installationKeyHex, type MemberRef } from "./members";

export const INSTALLATION_SIGNATURE_CONTEXT = "IDENTITY UPDATE SIGNATURE";

export interface ScwVerifyArgs {
  /** CAIP-10 account id, e.g. "eip155:1:0xabc…". */
  accountId: string;
  blockNumber: bigint;
  /** EIP-191 hash of the signature text. */
  hash: Uint8Array;
  signature: Uint8Array;
}

export interface VerifyOptions {
  scwVerifier?: (args: ScwVerifyArgs) => Promise<boolean>;
  maxInstallations?: number;
  maxUpdates?: number;
}

export interface VerifiedSignature {
  signer: MemberRef;
  kind: "erc191" | "erc6492" | "installation";
  /** Hex forms that count as "this signature" for replay detection. */
  fingerprints: string[];
}

const N = secp256k1.Point.CURVE().n;
const HALF_N = N >> 1n;

/** keccak256("\x19Ethereum Signed Message:\n" + byteLength + text). */
export function eip191Hash(text: string): Uint8Array {
  const body = utf8(text);
  return keccak256(concatBytes(utf8(`\x19Ethereum Signed Message:\n${body.length}`), body));
}

function bytesToBigint(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt("0x" + toHex(bytes));
}

function bigintTo32(n: bigint): Uint8Array {
  return Uint8Array.from(
    n
      .toString(16)
      .padStart(64, "0")
      .match(/../g)!
      .map((h) => parseInt(h, 16)),
  );
}

/**
 * Recovers the address that personal_signed `text`. Returns the address and the
 * canonical (low-s, v = 27/28) form of the signature. Throws invalid_signature.
 */
export function recoverEip191(
  text: string,
  signature: Uint8Array,
  field = "signature",
): { address: string; canonical: Uint8Array } {
  if (signature.length !== 65) {
    throw new IdentityError(
      "invalid_signature",
      `${field} must be a 65-byte r||s||v ECDSA signature`,
      `got ${signature.length} bytes`,
    );
  }
  const r = bytesToBigint(signature.subarray(0, 32));
  let s = bytesToBigint(signature.subarray(32, 64));
  const v = signature[64]!;
  let recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1) {
    throw new IdentityError(
      "invalid_signature",
      `${field} recovery byte v must be 0, 1, 27 or 28`,
      `got ${v}`,
    );
  }
  if (r <= 0n || r >= N || s <= 0n || s >= N) {
    throw new IdentityError("invalid_signature", `${field} r and s must be in [1, n-1]`);
  }
  // (r, s) and (r, n-s) are both valid: fold to low-s, flipping the recovered point's parity.
  if (s > HALF_N) {
    s = N - s;
    recovery ^= 1;
  }
  let address: string;
  try {
    const sig = new secp256k1.Signature(r, s).addRecoveryBit(recovery);
    const pub = sig.recoverPublicKey(eip191Hash(text)).toBytes(false);
    address = "0x" + toHex(keccak256(pub.subarray(1)).subarray(12));
  } catch (e) {
    throw new IdentityError(
      "invalid_signature",
      `${field} does not recover to any public key over the update text`,
      String(e),
    );
  }
  const canonical = concatBytes(bigintTo32(r), bigintTo32(s), Uint8Array.of(27 + recovery));
  return { address, canonical };
}

/** "eip155:<chain>:<address>" -> its parts; malformed_update naming `field` otherwise. */
export function parseCaip10(
  accountId: string,
  field: string,
): { chainId: bigint; address: string } {
  const m = /^eip155:(\d+):(0x[0-9a-fA-F]{40})$/.exec(accountId);
  if (!m) {
    throw new IdentityError(
      "malformed_update",
      `${field}.account_id must be a CAIP-10 id "eip155:<chain>:<address>"`,
      `got ${JSON.stringify(accountId.slice(0, 80))}`,
    );
  }
  return { chainId: BigInt(m[1]!), address: normalizeAddress(m[2]!, `${field}.account_id`) };
}

/** Verifies `sig` over `text` and returns who signed. Throws IdentityError. */
export async function verifySignature(
  sig: Signature | undefined,
  text: string,
  field: string,
  opts: VerifyOptions = {},
): Promise<VerifiedSignature> {
  const s = sig?.signature;
  switch (s?.case) {
    case "erc191": {
      const { address, canonical } = recoverEip191(text, s.value.bytes, field);
      const raw = toHex(s.value.bytes);
      const canon = toHex(canonical);
      return {
        signer: { kind: "address", key: address },
        kind: "erc191",
        fingerprints: raw === canon ? [raw] : [raw, canon],
      };
    }
    case "installationKey": {
      const keyHex = installationKeyHex(s.value.publicKey, `${field}.public_key`);
      if (
        s.value.bytes.length !== 64 ||
        !ed25519phVerify(
          s.value.bytes,
          utf8(text),
          s.value.publicKey,
          INSTALLATION_SIGNATURE_CONTEXT,
        )
      ) {
        throw new IdentityError(
          "invalid_signature",
          `${field} must be an Ed25519ph signature of the update text by its public_key (context "${INSTALLATION_SIGNATURE_CONTEXT}")`,
        );
      }
      return {
        signer: { kind: "installation", key: keyHex },
        kind: "installation",
        fingerprints: [toHex(s.value.bytes)],
      };
    }
    case "erc6492": {
      const { address } = parseCaip10(s.value.accountId, field);
      if (!opts.scwVerifier) {
        throw new IdentityError(
          "scw_unverifiable",
          `${field} is a smart-contract wallet signature and no SCW verifier (RPC) is configured`,
        );
      }
      const ok = await opts.scwVerifier({
        accountId: s.value.accountId,
        blockNumber: s.value.blockNumber,
        hash: eip191Hash(text),
        signature: s.value.signature,
      });
      if (!ok) {
        throw new IdentityError(
          "invalid_signature",
          `${field}: the smart-contract wallet ${address} did not accept the signature of the update text`,
        );
      }
      return {
        signer: { kind: "address", key: address },
        kind: "erc6492",
        fingerprints: [toHex(s.value.signature)],
      };
    }
    case "passkey":
      throw new IdentityError(
        "malformed_update",
        `${field}: passkey signatures are not supported by this node`,
      );
    default:
      throw new IdentityError("missing_signature", `${field} is required`);
  }
}
