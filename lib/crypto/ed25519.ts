// Ed25519 for installation keys. Identity-update signatures use Ed25519ph
// (SHA-512 prehash) with a context string, which WebCrypto cannot do.
import { ed25519, ed25519ph } from "@noble/curves/ed25519.js";
import { utf8 } from "./bytes";

export interface Ed25519KeyPair {
  privateKey: Uint8Array; // 32-byte seed
  publicKey: Uint8Array; // 32 bytes
}

export function generateEd25519KeyPair(): Ed25519KeyPair {
  const privateKey = ed25519.utils.randomSecretKey();
  return { privateKey, publicKey: ed25519.getPublicKey(privateKey) };
}

export function ed25519PublicKey(privateKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(privateKey);
}

export function ed25519phSign(
  message: Uint8Array,
  privateKey: Uint8Array,
  context: string,
): Uint8Array {
  return ed25519ph.sign(message, privateKey, { context: utf8(context) });
}

export function ed25519phVerify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
  context: string,
): boolean {
  try {
    return ed25519ph.verify(signature, message, publicKey, {
      context: utf8(context),
      zip215: false,
    });
  } catch {
    return false;
  }
}

export function ed25519Sign(message: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return ed25519.sign(message, privateKey);
}

export function ed25519Verify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
