// libxmtp's welcome pointers (xmtp/proto welcome_pointer.proto; libxmtp mls_sync.rs
// send_welcomes, decrypted_welcome.rs): when more than two new installations can read them,
// the welcome — the whole ratchet tree, ~110 KB at 250 members — is stored ONCE, sealed with
// a fresh ChaCha20-Poly1305 key under a random 32-byte topic (the "destination", a V1
// welcome with wrapper SYMMETRIC_KEY and no HPKE key), and each installation gets only a
// small WelcomePointer{destination, aead, key, data nonce, metadata nonce} HPKE-wrapped like
// a welcome (X-Wing when its key package asks). A new group of 250 sends ~110 KB instead of
// ~27 MB. The node learns nothing more: it cannot open the pointee without a pointer.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import type { KeyPackage } from "ts-mls";
import { equalBytes, randomBytes } from "../crypto";
import { WelcomeMetadataSchema } from "../proto/mls/api/v1/mls_pb";
import {
  WelcomePointeeEncryptionAeadType,
  WelcomePointeeEncryptionAeadTypesExtensionSchema,
  WelcomePointerSchema,
  type WelcomePointer_WelcomeV1Pointer,
} from "../proto/mls/message_contents/welcome_pointer_pb";
import { WELCOME_POINTEE_AEAD_TYPES_EXTENSION_TYPE } from "./constants";
import { MlsError } from "./errors";
import { decodeKeyPackagePrivate, welcomeKeyOf } from "./keyPackage";
import type { InstallationSigner } from "./signer";
import {
  unwrapWelcomeWithMetadata,
  wrapWelcomeWithMetadata,
  type WelcomeMetadata,
  type WelcomeWrapper,
} from "./welcome-wrap";

/** libxmtp's INSTALLATION_THRESHOLD_FOR_WELCOME_POINTER_SENDING: pointers above two readers. */
export const WELCOME_POINTER_THRESHOLD = 2;
const KEY_LENGTH = 32;
const NONCE_LENGTH = 12;
const DESTINATION_LENGTH = 32;

/** Whether a key package reads welcome pointers (0xff04 lists ChaCha20-Poly1305). */
export function acceptsWelcomePointers(keyPackage: KeyPackage): boolean {
  const ext = keyPackage.extensions.find(
    (e) => e.extensionType === WELCOME_POINTEE_AEAD_TYPES_EXTENSION_TYPE,
  );
  if (!ext) return false;
  try {
    return fromBinary(
      WelcomePointeeEncryptionAeadTypesExtensionSchema,
      ext.extensionData,
    ).supportedAeadTypes.includes(WelcomePointeeEncryptionAeadType.CHACHA20_POLY1305);
  } catch {
    return false; // an extension we cannot read: a plain welcome still reaches it
  }
}

/** The welcome stored once (at `destination`) and the pointer to it, before wrapping. */
export interface PointedWelcome {
  destination: Uint8Array;
  /** The pointee's `data` and `welcome_metadata`, both sealed with the pointer's key. */
  data: Uint8Array;
  welcomeMetadata: Uint8Array;
  /** WelcomePointer protobuf: wrap it for each installation (wrapWelcomePointer). */
  pointer: Uint8Array;
}

export function pointWelcome(welcome: Uint8Array, metadata?: WelcomeMetadata): PointedWelcome {
  const destination = randomBytes(DESTINATION_LENGTH);
  const key = randomBytes(KEY_LENGTH);
  const dataNonce = randomBytes(NONCE_LENGTH);
  let metadataNonce = randomBytes(NONCE_LENGTH);
  // Two messages under one key: the nonces must differ (libxmtp draws again too).
  while (equalBytes(metadataNonce, dataNonce)) metadataNonce = randomBytes(NONCE_LENGTH);
  // Always sealed, even empty: libxmtp opens welcome_metadata unconditionally.
  const plainMetadata = toBinary(
    WelcomeMetadataSchema,
    create(WelcomeMetadataSchema, { messageCursor: metadata?.messageCursor ?? 0n }),
  );
  return {
    destination,
    data: chacha20poly1305(key, dataNonce).encrypt(welcome),
    welcomeMetadata: chacha20poly1305(key, metadataNonce).encrypt(plainMetadata),
    pointer: toBinary(
      WelcomePointerSchema,
      create(WelcomePointerSchema, {
        version: {
          case: "welcomeV1Pointer",
          value: {
            destination,
            aeadType: WelcomePointeeEncryptionAeadType.CHACHA20_POLY1305,
            encryptionKey: key,
            dataNonce,
            welcomeMetadataNonce: metadataNonce,
          },
        },
      }),
    ),
  };
}

/** One installation's copy of the pointer: HPKE-wrapped exactly as a welcome would be. */
export async function wrapWelcomePointer(
  pointer: Uint8Array,
  recipientKey: Uint8Array,
  wrapper: WelcomeWrapper = "curve25519",
): Promise<Uint8Array> {
  return (await wrapWelcomeWithMetadata(pointer, recipientKey, undefined, wrapper)).data;
}

/**
 * Opens a wrapped pointer with one of this installation's key packages (the key its wrapper
 * names) and checks every field a pointee needs; errors name the field.
 */
export async function openWelcomePointer(args: {
  wrapped: Uint8Array;
  wrapper: WelcomeWrapper;
  keyPackagePrivate: Uint8Array;
  signer: InstallationSigner;
}): Promise<WelcomePointer_WelcomeV1Pointer> {
  const keys = decodeKeyPackagePrivate(args.keyPackagePrivate, args.signer);
  const { welcome: bytes } = await unwrapWelcomeWithMetadata(
    args.wrapped,
    new Uint8Array(0),
    welcomeKeyOf(keys, args.wrapper),
    args.wrapper,
  );
  let pointer;
  try {
    pointer = fromBinary(WelcomePointerSchema, bytes);
  } catch (err) {
    throw new MlsError("invalid_welcome", "welcome pointer is not a WelcomePointer", {
      cause: err,
    });
  }
  if (pointer.version.case !== "welcomeV1Pointer")
    throw new MlsError("invalid_welcome", "welcome pointer has no welcome_v1_pointer");
  const v1 = pointer.version.value;
  const bad = (field: string, want: string) =>
    new MlsError("invalid_welcome", `welcome pointer ${field} ${want}`);
  if (v1.aeadType !== WelcomePointeeEncryptionAeadType.CHACHA20_POLY1305)
    throw bad("aead_type", `is ${v1.aeadType}, expected CHACHA20_POLY1305 (3)`);
  if (v1.destination.length !== DESTINATION_LENGTH)
    throw bad("destination", `has ${v1.destination.length} bytes, expected ${DESTINATION_LENGTH}`);
  if (v1.encryptionKey.length !== KEY_LENGTH)
    throw bad("encryption_key", `has ${v1.encryptionKey.length} bytes, expected ${KEY_LENGTH}`);
  for (const [field, nonce] of [
    ["data_nonce", v1.dataNonce],
    ["welcome_metadata_nonce", v1.welcomeMetadataNonce],
  ] as const) {
    if (nonce.length !== NONCE_LENGTH)
      throw bad(field, `has ${nonce.length} bytes, expected ${NONCE_LENGTH}`);
  }
  if (equalBytes(v1.dataNonce, v1.welcomeMetadataNonce))
    throw bad("welcome_metadata_nonce", "repeats data_nonce");
  return v1;
}

/** The welcome a pointer names, from the pointee's sealed data and metadata. */
export function openPointee(
  pointer: WelcomePointer_WelcomeV1Pointer,
  pointee: { data: Uint8Array; welcomeMetadata: Uint8Array },
): { welcome: Uint8Array; metadata?: WelcomeMetadata } {
  let welcome: Uint8Array;
  try {
    welcome = chacha20poly1305(pointer.encryptionKey, pointer.dataNonce).decrypt(pointee.data);
  } catch (err) {
    throw new MlsError("invalid_welcome", "the pointed-to welcome does not open with its pointer", {
      cause: err,
    });
  }
  // Metadata only saves reading (as for a plain welcome): what does not open is left out.
  try {
    const plain = chacha20poly1305(pointer.encryptionKey, pointer.welcomeMetadataNonce).decrypt(
      pointee.welcomeMetadata,
    );
    const { messageCursor } = fromBinary(WelcomeMetadataSchema, plain);
    return messageCursor ? { welcome, metadata: { messageCursor } } : { welcome };
  } catch {
    return { welcome };
  }
}
