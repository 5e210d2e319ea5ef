// The outer layer XMTP puts around every welcome (libxmtp's "welcome wrapper", algorithm
// CURVE25519): HPKE base mode to the recipient key package's init key, with the suite's own
// HPKE (DHKEM-X25519, HKDF-SHA256, ChaCha20-Poly1305) and info = EncryptContext{label
// "MLS 1.0 MLS_WELCOME", context empty} — RFC 9420's EncryptWithLabel with label
// "MLS_WELCOME". The node stores `data` = TLS HPKECiphertext{kem_output<V>, ciphertext<V>},
// beside hpke_public_key (the init key) and wrapper_algorithm = 1. libxmtp refuses a bare
// welcome ("TrailingData"), so ours are wrapped too. `welcome_metadata` (field 7) is the
// same HPKE context's second message: WelcomeMetadata{message_cursor}. A key package asking
// (extension 0xff03, welcome-recipient.ts) gets the post-quantum X-Wing wrapper instead,
// sealed to its X-Wing key; ours ask too (keyPackage.ts), so welcomes between our users are
// post-quantum as well. A welcome pointer (welcome-pointer.ts) is wrapped the same way.

import { CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from "@hpke/core";
import { fromBinary, toBinary, create } from "@bufbuild/protobuf";
import { decodeHpkeCiphertext, encodeHpkeCiphertext } from "ts-mls/hpkeCiphertext.js";
import { varLenDataEncoder } from "ts-mls/codec/variableLength.js";
import { composeBufferEncoders, encode } from "ts-mls/codec/tlsEncoder.js";
import { WelcomeMetadataSchema } from "../proto/mls/api/v1/mls_pb";
import { MlsError } from "./errors";

export const WELCOME_HPKE_LABEL = "MLS_WELCOME";
/** The HPKE kem_output: an X25519 public key (32 bytes), or X-Wing's ciphertext (1088 + 32). */
const KEM_OUTPUT_LENGTH: Record<"curve25519" | "xwing", number> = { curve25519: 32, xwing: 1120 };

/** HPKE info: EncryptContext{label "MLS 1.0 MLS_WELCOME", context ""} (RFC 9420 EncryptWithLabel). */
const INFO = encode(composeBufferEncoders([varLenDataEncoder, varLenDataEncoder]))([
  new TextEncoder().encode(`MLS 1.0 ${WELCOME_HPKE_LABEL}`),
  new Uint8Array(0),
]);

/** libxmtp's wrappers: "curve25519" (WelcomeWrapperAlgorithm 1) or "xwing" (2). */
export type WelcomeWrapper = "curve25519" | "xwing";
/** X-Wing public keys: ML-KEM-768's 1184 bytes, then X25519's 32. */
export const XWING_PUBLIC_KEY_LENGTH = 1216;
/**
 * libxmtp pins X-Wing (draft-06) to HPKE KEM id 0x004D, the codepoint its v1.9/1.10 clients
 * shipped; @hpke/hybridkem-x-wing implements the same draft-06 KEM but registers 0x647a. The
 * id is part of HPKE's suite_id, which every key-schedule label carries.
 */
const XWING_DRAFT06_KEM_ID = 0x004d;

/**
 * The suite's HPKE (the same @hpke classes ts-mls uses for suite 3), or X-Wing for the
 * post-quantum wrapper, held here because ts-mls' seal/open are single-shot and the
 * welcome's metadata is the context's SECOND message. Both load lazily.
 */
const suites = new Map<WelcomeWrapper, Promise<CipherSuite>>();
function hpke(wrapper: WelcomeWrapper = "curve25519"): Promise<CipherSuite> {
  let suite = suites.get(wrapper);
  if (!suite) {
    suite = makeSuite(wrapper).catch((err: unknown) => {
      suites.delete(wrapper); // let a later call retry a failed lazy import
      throw err;
    });
    suites.set(wrapper, suite);
  }
  return suite;
}

async function makeSuite(wrapper: WelcomeWrapper): Promise<CipherSuite> {
  const { Chacha20Poly1305 } = await import("@hpke/chacha20poly1305");
  const aead = new Chacha20Poly1305();
  if (wrapper === "curve25519")
    return new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead });
  const { XWing } = await import("@hpke/hybridkem-x-wing");
  const kem = new XWing();
  Object.defineProperty(kem, "id", { value: XWING_DRAFT06_KEM_ID });
  return new CipherSuite({ kem, kdf: new HkdfSha256(), aead });
}

const buf = (b: Uint8Array): ArrayBuffer => b.slice().buffer;

/**
 * A fresh X-Wing key pair for a key package's 0xff03 extension: the 1216-byte public key
 * and the 32-byte seed that is its private key (draft-06).
 */
export async function newXWingKeyPair(): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array }> {
  const { kem } = await hpke("xwing");
  const pair = await kem.generateKeyPair();
  return {
    publicKey: new Uint8Array(await kem.serializePublicKey(pair.publicKey)),
    privateKey: new Uint8Array(await kem.serializePrivateKey(pair.privateKey)),
  };
}

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
  recipientKey: Uint8Array,
  metadata?: WelcomeMetadata,
  wrapper: WelcomeWrapper = "curve25519",
): Promise<{ data: Uint8Array; welcomeMetadata: Uint8Array }> {
  const cs = await hpke(wrapper);
  const sender = await cs.createSenderContext({
    recipientPublicKey: await cs.kem.deserializePublicKey(buf(recipientKey)),
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
  wrapper: WelcomeWrapper = "curve25519",
): { kemOutput: Uint8Array; ciphertext: Uint8Array } | undefined {
  const decoded = decodeHpkeCiphertext(data, 0);
  if (!decoded || decoded[1] !== data.length) return undefined;
  if (decoded[0].kemOutput.length !== KEM_OUTPUT_LENGTH[wrapper]) return undefined;
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
  privateKey: Uint8Array,
  wrapper: WelcomeWrapper = "curve25519",
): Promise<{ welcome: Uint8Array; metadata?: WelcomeMetadata }> {
  const wrapped = asWrappedWelcome(data, wrapper);
  if (!wrapped) {
    throw new MlsError("invalid_welcome", "welcome data is not an HPKE-wrapped welcome");
  }
  const cs = await hpke(wrapper);
  let recipient;
  let welcome: Uint8Array;
  try {
    recipient = await cs.createRecipientContext({
      recipientKey: await cs.kem.deserializePrivateKey(buf(privateKey)),
      enc: buf(wrapped.kemOutput),
      info: buf(INFO),
    });
    welcome = new Uint8Array(await recipient.open(buf(wrapped.ciphertext)));
  } catch (err) {
    throw new MlsError(
      "invalid_welcome",
      `wrapped welcome does not open with this key package's ${wrapper === "xwing" ? "X-Wing" : "init"} key`,
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
