// Reading protobuf MemberIdentifiers into the string keys the state uses:
// lowercase 0x address for wallets, lowercase hex (no 0x) for installation keys.
import { toHex } from "../crypto";
import type { MemberIdentifier } from "../proto/identity/associations/association_pb";
import { IdentityError } from "./errors";
import { normalizeAddress } from "./inbox-id";

export type MemberRef = { kind: "address"; key: string } | { kind: "installation"; key: string };

export const INSTALLATION_KEY_LENGTH = 32;

export function installationKeyHex(
  publicKey: Uint8Array,
  field = "installation public key",
): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== INSTALLATION_KEY_LENGTH) {
    throw new IdentityError(
      "malformed_update",
      `${field} must be a ${INSTALLATION_KEY_LENGTH}-byte Ed25519 public key`,
      `got ${publicKey?.length ?? 0} bytes`,
    );
  }
  return toHex(publicKey);
}

export function memberRef(id: MemberIdentifier | undefined, field: string): MemberRef {
  switch (id?.kind.case) {
    case "ethereumAddress":
      return { kind: "address", key: normalizeAddress(id.kind.value, field) };
    case "installationPublicKey":
      return { kind: "installation", key: installationKeyHex(id.kind.value, field) };
    case "passkey":
      throw new IdentityError(
        "malformed_update",
        `${field}: passkey members are not supported by this node`,
      );
    default:
      throw new IdentityError(
        "malformed_update",
        `${field} must name a member (address or installation key)`,
      );
  }
}

export function describeMember(ref: MemberRef): string {
  return ref.kind === "address" ? `address ${ref.key}` : `installation ${ref.key}`;
}
