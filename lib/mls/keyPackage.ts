// Key packages: one per installation on the node, signed by the installation key,
// carrying the last_resort extension and, as libxmtp's do, a post-quantum X-Wing key that
// welcomes are wrapped to (0xff03) and the welcome-pointer AEADs this client reads (0xff04).

import { create, toBinary } from "@bufbuild/protobuf";
import { generateKeyPackageWithKey } from "ts-mls";
import type { Capabilities, KeyPackage, PrivateKeyPackage } from "ts-mls";
import { encodeKeyPackage } from "ts-mls/keyPackage.js";
import { composeBufferEncoders, encode } from "ts-mls/codec/tlsEncoder.js";
import { decodeVarLenData } from "ts-mls/codec/variableLength.js";
import { varLenDataEncoder } from "ts-mls/codec/variableLength.js";
import {
  APPLICATION_ID_EXTENSION_TYPE,
  CIPHERSUITE_NAME,
  GROUP_CONTEXT_EXTENSIONS_PROPOSAL_TYPE,
  IMMUTABLE_METADATA_EXTENSION_TYPE,
  KEY_PACKAGE_BACKDATE_SECONDS,
  KEY_PACKAGE_LIFETIME_SECONDS,
  LAST_RESORT_EXTENSION_TYPE,
  MUTABLE_EXTENSION_TYPES,
  WELCOME_POINTEE_AEAD_TYPES_EXTENSION_TYPE,
  WELCOME_WRAPPER_ENCRYPTION_EXTENSION_TYPE,
} from "./constants";
import {
  WelcomePointeeEncryptionAeadType,
  WelcomePointeeEncryptionAeadTypesExtensionSchema,
} from "../proto/mls/message_contents/welcome_pointer_pb";
import {
  WelcomeWrapperAlgorithm,
  WelcomeWrapperEncryptionSchema,
} from "../proto/mls/message_contents/wrapper_encryption_pb";
import { newXWingKeyPair, type WelcomeWrapper } from "./welcome-wrap";
import { credentialForInbox } from "./credential";
import { MlsError } from "./errors";
import { checkSigner, type InstallationSigner } from "./signer";
import { cipherSuite } from "./suite";

/**
 * Leaf capabilities: our suite, Basic credentials, the non-default extensions we use, and
 * what libxmtp's groups require of every leaf (their required_capabilities list
 * application_id and the group_context_extensions proposal too, although RFC 9420 makes
 * them default, and ts-mls, like openmls, checks the list literally).
 */
export function leafCapabilities(): Capabilities {
  return {
    versions: ["mls10"],
    ciphersuites: [CIPHERSUITE_NAME],
    extensions: [
      IMMUTABLE_METADATA_EXTENSION_TYPE,
      ...MUTABLE_EXTENSION_TYPES,
      LAST_RESORT_EXTENSION_TYPE,
      APPLICATION_ID_EXTENSION_TYPE,
      WELCOME_WRAPPER_ENCRYPTION_EXTENSION_TYPE,
      WELCOME_POINTEE_AEAD_TYPES_EXTENSION_TYPE,
    ],
    proposals: [GROUP_CONTEXT_EXTENSIONS_PROPOSAL_TYPE],
    credentials: ["basic"],
  };
}

export interface CreatedKeyPackage {
  /** Bare TLS KeyPackage: what is uploaded, what parseKeyPackage reads. */
  keyPackageBytes: Uint8Array;
  /** Private HPKE keys (not the installation key); store encrypted. */
  privateBytes: Uint8Array;
}

/** The key package's private keys; the X-Wing seed only in key packages made since 0xff03. */
export type KeyPackagePrivate = PrivateKeyPackage & { xwingPrivateKey?: Uint8Array };

/** V1: init, hpke. V2: init, hpke, X-Wing seed (32 bytes). */
const PRIVATE_FORMAT_V1 = 1;
const PRIVATE_FORMAT_V2 = 2;
const privateEncoder = (fields: Uint8Array[]) =>
  encode(composeBufferEncoders(fields.map(() => varLenDataEncoder)))(fields);

export function encodeKeyPackagePrivate(p: KeyPackagePrivate): Uint8Array {
  const fields = [p.initPrivateKey, p.hpkePrivateKey];
  if (p.xwingPrivateKey) fields.push(p.xwingPrivateKey);
  const body = privateEncoder(fields);
  const out = new Uint8Array(1 + body.length);
  out[0] = p.xwingPrivateKey ? PRIVATE_FORMAT_V2 : PRIVATE_FORMAT_V1;
  out.set(body, 1);
  return out;
}

/** The signature key is not stored with the key package: it is the installation key. */
export function decodeKeyPackagePrivate(
  bytes: Uint8Array,
  signer: InstallationSigner,
): KeyPackagePrivate {
  const count = { [PRIVATE_FORMAT_V1]: 2, [PRIVATE_FORMAT_V2]: 3 }[bytes[0] ?? 0];
  if (!count) {
    throw new MlsError(
      "invalid_argument",
      `keyPackagePrivate has unknown format ${String(bytes[0])}`,
    );
  }
  const fields: Uint8Array[] = [];
  let at = 1;
  try {
    for (let i = 0; i < count; i++) {
      const field = decodeVarLenData(bytes, at);
      if (field === undefined) break;
      fields.push(field[0]);
      at += field[1];
    }
  } catch {
    // a truncated field: reported below
  }
  if (fields.length !== count || at !== bytes.length) {
    throw new MlsError("invalid_argument", "keyPackagePrivate does not decode");
  }
  return {
    initPrivateKey: fields[0]!,
    hpkePrivateKey: fields[1]!,
    signaturePrivateKey: signer.privateKey,
    ...(fields[2] ? { xwingPrivateKey: fields[2] } : {}),
  };
}

/** The private key a wrapper opens with: the X-Wing seed, or the init key for CURVE25519. */
export function welcomeKeyOf(keys: KeyPackagePrivate, wrapper: WelcomeWrapper): Uint8Array {
  if (wrapper === "curve25519") return keys.initPrivateKey;
  if (!keys.xwingPrivateKey)
    throw new MlsError("invalid_welcome", "this key package holds no X-Wing key to open the welcome");
  return keys.xwingPrivateKey;
}

/** 0xff04: the pointee AEADs this client opens (libxmtp's only one, ChaCha20-Poly1305). */
function pointeeAeadTypesExtension() {
  return {
    extensionType: WELCOME_POINTEE_AEAD_TYPES_EXTENSION_TYPE,
    extensionData: toBinary(
      WelcomePointeeEncryptionAeadTypesExtensionSchema,
      create(WelcomePointeeEncryptionAeadTypesExtensionSchema, {
        supportedAeadTypes: [WelcomePointeeEncryptionAeadType.CHACHA20_POLY1305],
      }),
    ),
  };
}

/** 0xff03: wrap welcomes to this X-Wing key (post-quantum), as libxmtp's key packages ask. */
function xwingWrapperExtension(publicKey: Uint8Array) {
  return {
    extensionType: WELCOME_WRAPPER_ENCRYPTION_EXTENSION_TYPE,
    extensionData: toBinary(
      WelcomeWrapperEncryptionSchema,
      create(WelcomeWrapperEncryptionSchema, {
        pubKey: publicKey,
        algorithm: WelcomeWrapperAlgorithm.XWING_MLKEM_768_DRAFT_6,
      }),
    ),
  };
}

export async function createKeyPackage(signer: InstallationSigner): Promise<CreatedKeyPackage> {
  checkSigner(signer);
  const now = BigInt(Math.floor(Date.now() / 1000));
  const xwing = await newXWingKeyPair();
  const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
    credentialForInbox(signer.inboxId),
    leafCapabilities(),
    { notBefore: now - KEY_PACKAGE_BACKDATE_SECONDS, notAfter: now + KEY_PACKAGE_LIFETIME_SECONDS },
    [
      { extensionType: LAST_RESORT_EXTENSION_TYPE, extensionData: new Uint8Array(0) },
      pointeeAeadTypesExtension(),
      xwingWrapperExtension(xwing.publicKey),
    ],
    { signKey: signer.privateKey, publicKey: signer.publicKey },
    await cipherSuite(),
  );
  return {
    keyPackageBytes: encodeKeyPackage(publicPackage),
    privateBytes: encodeKeyPackagePrivate({
      ...privatePackage,
      xwingPrivateKey: xwing.privateKey,
    }),
  };
}

export type { KeyPackage };
