// Key packages: one per installation on the node, signed by the installation key,
// carrying the last_resort extension.

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
} from "./constants";
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

const PRIVATE_FORMAT_V1 = 1;
const privateEncoder = encode(composeBufferEncoders([varLenDataEncoder, varLenDataEncoder]));

export function encodeKeyPackagePrivate(p: PrivateKeyPackage): Uint8Array {
  const body = privateEncoder([p.initPrivateKey, p.hpkePrivateKey]);
  const out = new Uint8Array(1 + body.length);
  out[0] = PRIVATE_FORMAT_V1;
  out.set(body, 1);
  return out;
}

/** The signature key is not stored with the key package: it is the installation key. */
export function decodeKeyPackagePrivate(
  bytes: Uint8Array,
  signer: InstallationSigner,
): PrivateKeyPackage {
  if (bytes[0] !== PRIVATE_FORMAT_V1) {
    throw new MlsError(
      "invalid_argument",
      `keyPackagePrivate has unknown format ${String(bytes[0])}`,
    );
  }
  const init = decodeVarLenData(bytes, 1);
  const hpke = init === undefined ? undefined : decodeVarLenData(bytes, 1 + init[1]);
  if (init === undefined || hpke === undefined || 1 + init[1] + hpke[1] !== bytes.length) {
    throw new MlsError("invalid_argument", "keyPackagePrivate does not decode");
  }
  return {
    initPrivateKey: init[0],
    hpkePrivateKey: hpke[0],
    signaturePrivateKey: signer.privateKey,
  };
}

export async function createKeyPackage(signer: InstallationSigner): Promise<CreatedKeyPackage> {
  checkSigner(signer);
  const now = BigInt(Math.floor(Date.now() / 1000));
  const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
    credentialForInbox(signer.inboxId),
    leafCapabilities(),
    { notBefore: now - KEY_PACKAGE_BACKDATE_SECONDS, notAfter: now + KEY_PACKAGE_LIFETIME_SECONDS },
    [{ extensionType: LAST_RESORT_EXTENSION_TYPE, extensionData: new Uint8Array(0) }],
    { signKey: signer.privateKey, publicKey: signer.publicKey },
    await cipherSuite(),
  );
  return {
    keyPackageBytes: encodeKeyPackage(publicPackage),
    privateBytes: encodeKeyPackagePrivate(privatePackage),
  };
}

export type { KeyPackage };
