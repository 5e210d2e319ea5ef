// Stateless readers of MLS wire bytes, for the node and for clients: no group state,
// no secrets, synchronous (signatures are checked with noble Ed25519).
//
// Wire facts:
// - A key package is uploaded as a bare TLS-serialized KeyPackage (RFC 9420 §10),
//   not wrapped in an MLSMessage (as XMTP's UploadKeyPackage does).
// - Commits and application messages are MLSMessage(PrivateMessage); welcomes are
//   MLSMessage(Welcome). A PrivateMessage reveals group id, epoch and content type only.

import { ciphersuites, decodeMlsMessage } from "ts-mls";
import type { MLSMessage, KeyPackage } from "ts-mls";
import { decodeKeyPackage, encodeKeyPackageTBS } from "ts-mls/keyPackage.js";
import { encodeLeafNodeTBS } from "ts-mls/leafNode.js";
import { composeBufferEncoders, encode } from "ts-mls/codec/tlsEncoder.js";
import { varLenDataEncoder } from "ts-mls/codec/variableLength.js";
import { ed25519Verify, equalBytes, utf8 } from "../crypto";
import {
  CIPHERSUITE_ID,
  CIPHERSUITE_NAME,
  ED25519_PUBLIC_KEY_LENGTH,
  LAST_RESORT_EXTENSION_TYPE,
} from "./constants";
import { inboxIdFromCredential } from "./credential";
import { MlsError, describe } from "./errors";

export interface ParsedKeyPackage {
  inboxId: string;
  /** Ed25519 public key = installation ID = leaf signature key. */
  installationKey: Uint8Array;
  cipherSuite: number;
  notBefore?: bigint;
  notAfter?: bigint;
  lastResort: boolean;
  /** The decoded ts-mls structure (for the client; the node can ignore it). */
  keyPackage: KeyPackage;
}

export type WireFormat = "private" | "public" | "welcome" | "group_info" | "key_package";
export type ContentType = "application" | "proposal" | "commit";

export interface MessageHeader {
  /** Empty for welcome and key_package (their group, if any, is encrypted or absent). */
  groupId: Uint8Array;
  /** 0n for welcome and key_package. */
  epoch: bigint;
  wireFormat: WireFormat;
  /** Present for private and public messages. */
  contentType?: ContentType;
}

const hex16 = (n: number) => `0x${n.toString(16).padStart(4, "0")}`;

const signContentEncoder = encode(composeBufferEncoders([varLenDataEncoder, varLenDataEncoder]));

/** RFC 9420 §5.1.2 SignWithLabel check, synchronous. */
export function verifyWithLabel(
  publicKey: Uint8Array,
  label: string,
  content: Uint8Array,
  signature: Uint8Array,
): boolean {
  return ed25519Verify(
    signature,
    signContentEncoder([utf8(`MLS 1.0 ${label}`), content]),
    publicKey,
  );
}

/** Decodes a bare TLS KeyPackage; throws unless it uses all bytes. */
export function decodeKeyPackageBytes(bytes: Uint8Array): KeyPackage {
  let decoded: [KeyPackage, number] | undefined;
  try {
    decoded = decodeKeyPackage(bytes, 0);
  } catch (err) {
    throw new MlsError("malformed_key_package", `key package does not decode: ${describe(err)}`, {
      cause: err,
    });
  }
  if (decoded === undefined) {
    throw new MlsError(
      "malformed_key_package",
      "key package does not decode as a TLS KeyPackage (or uses another ciphersuite)",
    );
  }
  if (decoded[1] !== bytes.length) {
    throw new MlsError(
      "malformed_key_package",
      `key package has ${bytes.length - decoded[1]} trailing bytes`,
    );
  }
  return decoded[0];
}

interface SignedPart {
  label: "LeafNodeTBS" | "KeyPackageTBS";
  content: Uint8Array;
  signature: Uint8Array;
  failure: string;
}

/** Structure, suite and credential checks; returns the two signatures still to verify. */
/** Hostile bytes can make the decoder hand back half-formed structures: any failure is "malformed". */
function malformed<T>(
  code: "malformed_key_package" | "malformed_message",
  what: string,
  fn: () => T,
): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof MlsError) throw err;
    throw new MlsError(code, `${what} is malformed: ${describe(err)}`, { cause: err });
  }
}

function checkKeyPackage(bytes: Uint8Array): { parsed: ParsedKeyPackage; signed: SignedPart[] } {
  return malformed("malformed_key_package", "key package", () => checkKeyPackageUnsafe(bytes));
}

function checkKeyPackageUnsafe(bytes: Uint8Array): {
  parsed: ParsedKeyPackage;
  signed: SignedPart[];
} {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
    throw new MlsError("malformed_key_package", "key package is empty");
  }
  const kp = decodeKeyPackageBytes(bytes);
  const bad = (message: string) => new MlsError("malformed_key_package", message);
  if (kp.version !== "mls10") throw bad(`key package version is ${kp.version}, expected mls10`);
  if (kp.cipherSuite !== CIPHERSUITE_NAME) {
    throw bad(
      `key package cipher_suite is ${kp.cipherSuite} (${hex16(ciphersuites[kp.cipherSuite])}), the network uses ${hex16(CIPHERSUITE_ID)}`,
    );
  }
  const leaf = kp.leafNode;
  if (leaf.leafNodeSource !== "key_package") {
    throw bad(`leaf_node_source is ${leaf.leafNodeSource}, expected key_package`);
  }
  if (leaf.signaturePublicKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw bad(
      `leaf signature_key is ${leaf.signaturePublicKey.length} bytes, an Ed25519 installation key is 32`,
    );
  }
  if (equalBytes(kp.initKey, leaf.hpkePublicKey)) {
    throw bad("init_key equals the leaf encryption_key (RFC 9420 §10.1)");
  }
  const inboxId = inboxIdFromCredential(leaf.credential);
  return {
    parsed: {
      inboxId,
      installationKey: leaf.signaturePublicKey,
      cipherSuite: ciphersuites[kp.cipherSuite],
      notBefore: leaf.lifetime.notBefore,
      notAfter: leaf.lifetime.notAfter,
      lastResort: kp.extensions.some((e) => e.extensionType === LAST_RESORT_EXTENSION_TYPE),
      keyPackage: kp,
    },
    signed: [
      {
        label: "LeafNodeTBS",
        content: encodeLeafNodeTBS(leaf),
        signature: leaf.signature,
        failure: "leaf node signature does not verify under its signature_key",
      },
      {
        label: "KeyPackageTBS",
        content: encodeKeyPackageTBS(kp),
        signature: kp.signature,
        failure: "key package signature does not verify under the leaf signature_key",
      },
    ],
  };
}

/**
 * Validates an uploaded key package: structure, ciphersuite, credential, the leaf node's
 * signature and the key package's own signature. Does not check that the inbox holds the
 * installation key: that is the caller's identity-log question. Pure JS Ed25519 (~10 ms);
 * parseKeyPackageAsync does the same with WebCrypto (much faster where available).
 */
export function parseKeyPackage(bytes: Uint8Array): ParsedKeyPackage {
  const known = alreadyVerified(bytes);
  if (known) return known;
  const { parsed, signed } = checkKeyPackage(bytes);
  for (const part of signed) {
    if (!verifyWithLabel(parsed.installationKey, part.label, part.content, part.signature)) {
      throw new MlsError("malformed_key_package", part.failure);
    }
  }
  return remember(bytes, parsed);
}

// Key packages verified already, by the very byte array: a group change verifies each one when
// it plans (parseKeyPackageAsync) and again when it commits; at 250 that was ~1,000 Ed25519
// verifies in pure JS. A copy is kept so bytes changed since are verified again.
const verified = new WeakMap<Uint8Array, { copy: Uint8Array; parsed: ParsedKeyPackage }>();

function alreadyVerified(bytes: Uint8Array): ParsedKeyPackage | undefined {
  const hit = bytes instanceof Uint8Array ? verified.get(bytes) : undefined;
  return hit && equalBytes(hit.copy, bytes) ? hit.parsed : undefined;
}

function remember(bytes: Uint8Array, parsed: ParsedKeyPackage): ParsedKeyPackage {
  verified.set(bytes, { copy: bytes.slice(), parsed });
  return parsed;
}

export async function parseKeyPackageAsync(bytes: Uint8Array): Promise<ParsedKeyPackage> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return parseKeyPackage(bytes);
  const known = alreadyVerified(bytes);
  if (known) return known;
  const { parsed, signed } = checkKeyPackage(bytes);
  let key: CryptoKey;
  try {
    key = await subtle.importKey("raw", new Uint8Array(parsed.installationKey), "Ed25519", false, [
      "verify",
    ]);
  } catch {
    return parseKeyPackage(bytes); // no WebCrypto Ed25519 here: use noble
  }
  for (const part of signed) {
    const message = signContentEncoder([utf8(`MLS 1.0 ${part.label}`), part.content]);
    if (
      !(await subtle.verify(
        "Ed25519",
        key,
        new Uint8Array(part.signature),
        new Uint8Array(message),
      ))
    ) {
      throw new MlsError("malformed_key_package", part.failure);
    }
  }
  return remember(bytes, parsed);
}

/** Decodes a whole MLSMessage; throws MlsError("malformed_message") on anything else. */
export function decodeMessage(bytes: Uint8Array): MLSMessage {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
    throw new MlsError("malformed_message", "message is empty");
  }
  let decoded: [MLSMessage, number] | undefined;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch (err) {
    throw new MlsError(
      "malformed_message",
      `message does not decode as an MLSMessage: ${describe(err)}`,
      { cause: err },
    );
  }
  if (decoded === undefined)
    throw new MlsError("malformed_message", "message does not decode as an MLSMessage");
  if (decoded[1] !== bytes.length) {
    throw new MlsError(
      "malformed_message",
      `message has ${bytes.length - decoded[1]} trailing bytes`,
    );
  }
  if (decoded[0].version !== "mls10") {
    throw new MlsError(
      "malformed_message",
      `message version is ${decoded[0].version}, expected mls10`,
    );
  }
  return decoded[0];
}

/** What the node may learn from a message: group id, epoch, wire format, content type. */
export function readMessageHeader(bytes: Uint8Array): MessageHeader {
  const msg = decodeMessage(bytes);
  return malformed("malformed_message", "message", () => headerOf(msg));
}

function headerOf(msg: MLSMessage): MessageHeader {
  switch (msg.wireformat) {
    case "mls_private_message":
      return {
        groupId: msg.privateMessage.groupId,
        epoch: msg.privateMessage.epoch,
        wireFormat: "private",
        contentType: msg.privateMessage.contentType,
      };
    case "mls_public_message":
      return {
        groupId: msg.publicMessage.content.groupId,
        epoch: msg.publicMessage.content.epoch,
        wireFormat: "public",
        contentType: msg.publicMessage.content.contentType,
      };
    case "mls_group_info":
      return {
        groupId: msg.groupInfo.groupContext.groupId,
        epoch: msg.groupInfo.groupContext.epoch,
        wireFormat: "group_info",
      };
    case "mls_welcome":
      return { groupId: new Uint8Array(0), epoch: 0n, wireFormat: "welcome" };
    case "mls_key_package":
      return { groupId: new Uint8Array(0), epoch: 0n, wireFormat: "key_package" };
  }
}
