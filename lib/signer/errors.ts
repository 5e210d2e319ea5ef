// Typed wallet failures. A refused prompt is retryable (ask again); a wallet that
// returns garbage is not. We never hand an empty signature onwards.
import { fromHex } from "../crypto";

export type SignerErrorCode =
  | "signature_rejected"
  | "empty_signature"
  | "malformed_signature"
  | "no_account"
  | "provider_error";

const RETRYABLE: Record<SignerErrorCode, boolean> = {
  signature_rejected: true,
  empty_signature: true,
  malformed_signature: false,
  no_account: true,
  provider_error: true,
};

export class SignerError extends Error {
  readonly code: SignerErrorCode;
  readonly retryable: boolean;
  override readonly cause?: unknown;

  constructor(code: SignerErrorCode, message: string, cause?: unknown) {
    super(message);
    this.name = "SignerError";
    this.code = code;
    this.retryable = RETRYABLE[code];
    this.cause = cause;
  }
}

const USER_REJECTED = 4001;

/** True if `err` or anything in its cause chain is an EIP-1193 4001 / viem UserRejectedRequestError. */
export function isUserRejection(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 10; depth++) {
    const o = e as { code?: unknown; name?: unknown; cause?: unknown };
    if (o.code === USER_REJECTED || o.name === "UserRejectedRequestError") return true;
    e = o.cause;
  }
  return false;
}

/** Maps anything a wallet throws to a SignerError. */
export function toSignerError(err: unknown): SignerError {
  if (err instanceof SignerError) return err;
  if (isUserRejection(err))
    return new SignerError("signature_rejected", "the wallet refused the signature request", err);
  const msg = err instanceof Error ? err.message : String(err);
  return new SignerError("provider_error", `the wallet failed to sign: ${msg}`, err);
}

export const ECDSA_SIGNATURE_LENGTH = 65;

/** Validates a wallet's answer (hex string or bytes) as a 65-byte r||s||v signature. */
export function checkSignature(
  result: unknown,
  /** null: any length (a smart-contract wallet's signature is what its contract accepts). */
  expectedLength: number | null = ECDSA_SIGNATURE_LENGTH,
): Uint8Array {
  let bytes: Uint8Array;
  if (result instanceof Uint8Array) {
    bytes = result;
  } else if (typeof result === "string") {
    if (result === "" || result === "0x")
      throw new SignerError("empty_signature", "the wallet returned an empty signature");
    if (!result.startsWith("0x"))
      throw new SignerError(
        "malformed_signature",
        "the wallet's signature must be a 0x-prefixed hex string",
      );
    try {
      bytes = fromHex(result, "signature");
    } catch (e) {
      throw new SignerError("malformed_signature", "the wallet's signature is not valid hex", e);
    }
  } else if (result === null || result === undefined) {
    throw new SignerError("empty_signature", "the wallet returned no signature");
  } else {
    throw new SignerError(
      "malformed_signature",
      `the wallet's signature must be hex or bytes, got ${typeof result}`,
    );
  }
  if (bytes.length === 0)
    throw new SignerError("empty_signature", "the wallet returned an empty signature");
  if (expectedLength !== null && bytes.length !== expectedLength) {
    throw new SignerError(
      "malformed_signature",
      `the wallet's signature must be ${expectedLength} bytes (r||s||v), got ${bytes.length}`,
    );
  }
  return bytes;
}

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

export function checkAddress(address: unknown): `0x${string}` {
  if (typeof address !== "string" || !ADDRESS_RE.test(address)) {
    throw new SignerError(
      "no_account",
      `the wallet gave no usable account address (got ${JSON.stringify(address)})`,
    );
  }
  return address.toLowerCase() as `0x${string}`;
}
