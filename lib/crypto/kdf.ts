// Memory-hard password hashing (argon2id, RFC 9106) from @noble/hashes: for keys that come
// from something a person types (backup passphrases), where HKDF alone would be cheap to guess.
import { argon2idAsync } from "@noble/hashes/argon2.js";

export interface Argon2Params {
  /** Memory in KiB. */
  m: number;
  /** Passes. */
  t: number;
  /** Lanes. */
  p: number;
}

/** argon2id → `dkLen` bytes; yields to the event loop every ~50 ms, reporting 0..1 progress. */
export function argon2id(
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2Params,
  dkLen: number,
  onProgress?: (fraction: number) => void,
): Promise<Uint8Array> {
  return argon2idAsync(password, salt, {
    m: params.m,
    t: params.t,
    p: params.p,
    dkLen,
    asyncTick: 50,
    ...(onProgress ? { onProgress } : {}),
  });
}
