// The outer layer XMTP puts around every welcome (libxmtp's "welcome wrapper", algorithm
// CURVE25519): HPKE base mode to the recipient key package's init key, with the suite's own
// HPKE (DHKEM-X25519, HKDF-SHA256, ChaCha20-Poly1305) and info = EncryptContext{label
// "MLS 1.0 MLS_WELCOME", context empty} — RFC 9420's EncryptWithLabel with label
// "MLS_WELCOME". The node stores `data` = TLS HPKECiphertext{kem_output<V>, ciphertext<V>},
// beside hpke_public_key (the init key) and wrapper_algorithm = 1. libxmtp refuses a bare
// welcome ("TrailingData"), so ours are wrapped too. `welcome_metadata` (field 7) is the
// same HPKE context's second message: WelcomeMetadata{message_cursor}. The post-quantum
// X-Wing wrapper is what libxmtp's key packages ask for (extension 0xff03); ours do not, and
// libxmtp opens a CURVE25519 welcome sent to its init key whatever its key package asked
// for, so we send that (without the post-quantum layer; docs/xmtp-compat.md).

import { CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from "@hpke/core";
import { fromBinary, toBinary, create } from "@bufbuild/protobuf";
import { decodeHpkeCiphertext, encodeHpkeCiphertext } from "ts-mls/hpkeCiphertext.js";
import { varLenDataEncoder } from "ts-mls/codec/variableLength.js";
import { composeBufferEncoders, encode } from "ts-mls/codec/tlsEncoder.js";
import { WelcomeMetadataSchema } from "../proto/mls/api/v1/mls_pb";
import { MlsError } from "./errors";

export const WELCOME_HPKE_LABEL = "MLS_WELCOME";
/** X25519 public keys (the HPKE kem_output) are 32 bytes. */
const KEM_OUTPUT_LENGTH = 32;

/** HPKE info: EncryptContext{label "MLS 1.0 MLS_WELCOME", context ""} (RFC 9420 EncryptWithLabel). */
const INFO = encode(composeBufferEncoders([varLenDataEncoder, varLenDataEncoder]))([
  new TextEncoder().encode(`MLS 1.0 ${WELCOME_HPKE_LABEL}`),
  new Uint8Array(0),
]);

/**
 * The suite's HPKE (the same @hpke classes ts-mls uses for suite 3), held here because
 * ts-mls' seal/open are single-shot and the welcome's metadata is the context's SECOND
 * message. ChaCha20-Poly1305 loads lazily, as in ts-mls.
 */
let suite: Promise<CipherSuite> | undefined;
function hpke(): Promise<CipherSuite> {
  suite ??= import("@hpke/chacha20poly1305").then(
    ({ Chacha20Poly1305 }) =>
      new CipherSuite({
        kem: new DhkemX25519HkdfSha256(),
        kdf: new HkdfSha256(),
        aead: new Chacha20Poly1305(),
      }),
    (err: unknown) => {
      suite = undefined; // let a later call retry a failed lazy import
      throw err;
    },
  );
  return suite;
}

const buf = (b: Uint8Array): ArrayBuffer => b.slice().buffer;

/** libxmtp's WelcomeMetadata (xmtp.mls.api.v1): the node id of the commit that added the member. */
export interface WelcomeMetadata {
  messageCursor: bigint;
}

/** Seals a welcome (MLSMessage bytes) to one recipient's key package init key. */
export async function wrapWelcome(welcome: Uint8Array, initKey: Uint8Array): Promise<Uint8Array> {
  return (await wrapWelcomeWithMetadata(welcome, initKey)).data;
}

/**
 * The same, plus libxmtp's `welcome_metadata` (field 7): the WelcomeMetadata protobuf sealed
 * as the second message of the same HPKE context (sequence 1), stored beside `data`.
 */
export async function wrapWelcomeWithMetadata(
  welcome: Uint8Array,
  initKey: Uint8Array,
  metadata?: WelcomeMetadata,
): Promise<{ data: Uint8Array; welcomeMetadata: Uint8Array }> {
  const cs = await hpke();
  const sender = await cs.createSenderContext({
    recipientPublicKey: await cs.kem.deserializePublicKey(buf(initKey)),
    info: buf(INFO),
  });
  const ciphertext = new Uint8Array(await sender.seal(buf(welcome)));
  const data = encodeHpkeCiphertext({ kemOutput: new Uint8Array(sender.enc), ciphertext });
  if (!metadata) return { data, welcomeMetadata: new Uint8Array(0) };
  const plain = toBinary(WelcomeMetadataSchema, create(WelcomeMetadataSchema, metadata));
  return { data, welcomeMetadata: new Uint8Array(await sender.seal(buf(plain))) };
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
  return (await unwrapWelcomeWithMetadata(data, new Uint8Array(0), initPrivateKey)).welcome;
}

/**
 * Opens wrapped welcome data and, when present, its `welcome_metadata` (the same HPKE
 * context's second message). Metadata that does not open or parse is left out (the welcome
 * still joins; the group is then read from its start): it only saves reading.
 */
export async function unwrapWelcomeWithMetadata(
  data: Uint8Array,
  welcomeMetadata: Uint8Array,
  initPrivateKey: Uint8Array,
): Promise<{ welcome: Uint8Array; metadata?: WelcomeMetadata }> {
  const wrapped = asWrappedWelcome(data);
  if (!wrapped) {
    throw new MlsError("invalid_welcome", "welcome data is not an HPKE-wrapped welcome");
  }
  const cs = await hpke();
  let recipient;
  let welcome: Uint8Array;
  try {
    recipient = await cs.createRecipientContext({
      recipientKey: await cs.kem.deserializePrivateKey(buf(initPrivateKey)),
      enc: buf(wrapped.kemOutput),
      info: buf(INFO),
    });
    welcome = new Uint8Array(await recipient.open(buf(wrapped.ciphertext)));
  } catch (err) {
    throw new MlsError(
      "invalid_welcome",
      "wrapped welcome does not open with this key package's init key",
      { cause: err },
    );
  }
  if (welcomeMetadata.length === 0) return { welcome };
  try {
    const plain = new Uint8Array(await recipient.open(buf(welcomeMetadata)));
    return {
      welcome,
      metadata: { messageCursor: fromBinary(WelcomeMetadataSchema, plain).messageCursor },
    };
  } catch {
    return { welcome };
  }
}
