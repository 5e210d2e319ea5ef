// The group's commit-log signer (libxmtp's `_commit_log_signer`): an Ed25519 private key
// carried, hex-encoded, in the group's mutable metadata attributes. Only members can read
// it (the extension travels inside MLS), so entries signed with it cannot be forged by the
// node; the leading "_" makes it a super-admin-only attribute (group-policy.ts).
import { ed25519PublicKey, fromHex, randomBytes, toHex } from "../crypto";
import { hasMutableExtensions, readGroupContext } from "./group-context";
import type { GroupHandle } from "./state";

export const COMMIT_LOG_SIGNER_ATTRIBUTE = "_commit_log_signer";

export interface CommitLogSigner {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/** A fresh signer as the attribute value a new group starts with. */
export function newCommitLogSignerAttribute(): string {
  return toHex(randomBytes(32));
}

/** The group's signer; undefined for a DM or a group made before commit logs existed. */
export function commitLogSignerOf(group: GroupHandle): CommitLogSigner | undefined {
  if (!hasMutableExtensions(group.state.groupContext.extensions)) return undefined;
  const hex = readGroupContext(group.state.groupContext.extensions).metadata.attributes[
    COMMIT_LOG_SIGNER_ATTRIBUTE
  ];
  if (!hex || !/^[0-9a-f]{64}$/.test(hex)) return undefined;
  const privateKey = fromHex(hex);
  return { privateKey, publicKey: ed25519PublicKey(privateKey) };
}
