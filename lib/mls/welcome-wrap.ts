// The outer layer XMTP puts around every welcome (libxmtp's "welcome wrapper", algorithm
// CURVE25519): HPKE base mode to the recipient key package's init key, with the suite's own
// HPKE (DHKEM-X25519, HKDF-SHA256, ChaCha20-Poly1305) and info = EncryptContext{label
// "MLS 1.0 MLS_WELCOME", context empty} — RFC 9420's EncryptWithLabel with label
// "MLS_WELCOME". The node stores `data` = TLS HPKECiphertext{kem_output<V>, ciphertext<V>},
// beside hpke_public_key (the init key) and wrapper_algorithm = 1. libxmtp refuses a bare
// welcome ("TrailingData"), so ours are wrapped too. The post-quantum X-Wing wrapper is only
// used by a sender when the key package carries extension 0xff03 asking for it; ours does
// not, and libxmtp opens a CURVE25519 welcome sent to its init key whatever its key package
// asked for, so X-Wing is needed on neither side.

import { decodeHpkeCiphertext, encodeHpkeCiphertext } from "ts-mls/hpkeCiphertext.js";
import { decryptWithLabel, encryptWithLabel } from "ts-mls/crypto/hpke.js";
import { MlsError } from "./errors";
import { cipherSuite } from "./suite";

export const WELCOME_HPKE_LABEL = "MLS_WELCOME";
/** X25519 public keys (the HPKE kem_output) are 32 bytes. */
const KEM_OUTPUT_LENGTH = 32;

/** Seals a welcome (MLSMessage bytes) to one recipient's key package init key. */
export async function wrapWelcome(welcome: Uint8Array, initKey: Uint8Array): Promise<Uint8Array> {
  const { hpke } = await cipherSuite();
  const sealed = await encryptWithLabel(
    await hpke.importPublicKey(initKey),
    WELCOME_HPKE_LABEL,
    new Uint8Array(0),
    welcome,
    hpke,
  );
  return encodeHpkeCiphertext({ kemOutput: sealed.enc, ciphertext: sealed.ct });
}

/**
 * The HPKECiphertext inside welcome data, or undefined when the bytes are not one (a bare
 * MLSMessage, as our clients sent before wrapping: its first byte, 0x00 of the version,
 * reads as an empty kem_output).
 */
export function asWrappedWelcome(
  data: Uint8Array,
): { kemOutput: Uint8Array; ciphertext: Uint8Array } | undefined {
  const decoded = decodeHpkeCiphertext(data, 0);
  if (!decoded || decoded[1] !== data.length) return undefined;
  if (decoded[0].kemOutput.length !== KEM_OUTPUT_LENGTH) return undefined;
  return decoded[0];
}

/** Opens wrapped welcome data with the key package's init private key (raw 32 bytes). */
export async function unwrapWelcome(
  data: Uint8Array,
  initPrivateKey: Uint8Array,
): Promise<Uint8Array> {
  const wrapped = asWrappedWelcome(data);
  if (!wrapped) {
    throw new MlsError("invalid_welcome", "welcome data is not an HPKE-wrapped welcome");
  }
  const { hpke } = await cipherSuite();
  try {
    const opened = await decryptWithLabel(
      await hpke.importPrivateKey(initPrivateKey),
      WELCOME_HPKE_LABEL,
      new Uint8Array(0),
      wrapped.kemOutput,
      wrapped.ciphertext,
      hpke,
    );
    return new Uint8Array(opened);
  } catch (err) {
    throw new MlsError(
      "invalid_welcome",
      "wrapped welcome does not open with this key package's init key",
      { cause: err },
    );
  }
}
