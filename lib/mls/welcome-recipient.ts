// Which key, and which wrapper, a welcome to a key package goes to (issue #15): libxmtp's key
// packages carry extension 0xff03 WelcomeWrapperEncryption{pub_key, algorithm} asking for the
// post-quantum X-Wing wrapper; without it (ours), CURVE25519 to the init key. libxmtp files a
// key package under both keys and picks the private key by the welcome's wrapper_algorithm,
// so either opens; the X-Wing one adds a post-quantum layer.
import { fromBinary } from "@bufbuild/protobuf";
import type { KeyPackage } from "ts-mls";
import {
  WelcomeWrapperAlgorithm,
  WelcomeWrapperEncryptionSchema,
} from "../proto/mls/message_contents/wrapper_encryption_pb";
import { WELCOME_WRAPPER_ENCRYPTION_EXTENSION_TYPE } from "./constants";
import { XWING_PUBLIC_KEY_LENGTH, type WelcomeWrapper } from "./welcome-wrap";
import { acceptsWelcomePointers } from "./welcome-pointer";

export interface WelcomeRecipient {
  /** The key the welcome is sealed to; the node files it as hpke_public_key. */
  hpkePublicKey: Uint8Array;
  /** Absent: CURVE25519 (the init key). */
  wrapper?: WelcomeWrapper;
  /** It reads welcome pointers (0xff04): above two such recipients, they get one each. */
  pointers?: true;
}

export function welcomeRecipientOf(keyPackage: KeyPackage): WelcomeRecipient {
  const key = welcomeKeyOf(keyPackage);
  return acceptsWelcomePointers(keyPackage) ? { ...key, pointers: true } : key;
}

function welcomeKeyOf(keyPackage: KeyPackage): WelcomeRecipient {
  const ext = keyPackage.extensions.find(
    (e) => e.extensionType === WELCOME_WRAPPER_ENCRYPTION_EXTENSION_TYPE,
  );
  if (ext) {
    try {
      const asked = fromBinary(WelcomeWrapperEncryptionSchema, ext.extensionData);
      if (
        asked.algorithm === WelcomeWrapperAlgorithm.XWING_MLKEM_768_DRAFT_6 &&
        asked.pubKey.length === XWING_PUBLIC_KEY_LENGTH
      )
        return { hpkePublicKey: asked.pubKey, wrapper: "xwing" };
    } catch {
      // An extension we cannot read: the init key still opens (libxmtp keeps it filed).
    }
  }
  return { hpkePublicKey: keyPackage.initKey };
}
