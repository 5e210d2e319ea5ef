// The installation's Ed25519 key, passed in from outside (lib/crypto generateEd25519KeyPair).

import { ed25519PublicKey, equalBytes } from "../crypto";
import { ED25519_PUBLIC_KEY_LENGTH } from "./constants";
import { isInboxId } from "./credential";
import { MlsError } from "./errors";

export interface InstallationSigner {
  inboxId: string;
  /** 32-byte Ed25519 public key = installation ID. */
  publicKey: Uint8Array;
  /** 32-byte Ed25519 seed. */
  privateKey: Uint8Array;
}

export function checkSigner(signer: InstallationSigner): void {
  if (!isInboxId(signer.inboxId)) {
    throw new MlsError("invalid_argument", "signer.inboxId must be 64 lowercase hex characters");
  }
  if (signer.publicKey.length !== ED25519_PUBLIC_KEY_LENGTH || signer.privateKey.length !== 32) {
    throw new MlsError(
      "invalid_argument",
      "signer keys must be a 32-byte Ed25519 seed and its 32-byte public key",
    );
  }
  if (!equalBytes(ed25519PublicKey(signer.privateKey), signer.publicKey)) {
    throw new MlsError(
      "invalid_argument",
      "signer.publicKey is not the public key of signer.privateKey",
    );
  }
}
