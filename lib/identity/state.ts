// The association state an inbox's identity log folds to. Immutable by convention:
// transitions build new Maps/Sets instead of editing the old ones.
import { toHex } from "../crypto";

export interface MemberInfo {
  /** Lowercase address or installation-key hex of the member that added this one (absent for the inbox's creator). */
  addedBy?: string;
  clientTimestampNs?: bigint;
}

export interface AssociationState {
  inboxId: string;
  /** Lowercase 0x address. */
  recoveryAddress: string;
  /** Lowercase address -> info. */
  addresses: ReadonlyMap<string, MemberInfo>;
  /** Hex installation public key -> info. */
  installations: ReadonlyMap<string, MemberInfo>;
  /** Hex of every signature's bytes (ECDSA signatures also in their canonical low-s form). */
  seenSignatures: ReadonlySet<string>;
  /** How many identity updates have been applied. */
  updateCount: number;
}

export function holdsInstallation(state: AssociationState, installationKey: Uint8Array): boolean {
  return state.installations.has(toHex(installationKey));
}

export function holdsAddress(state: AssociationState, address: string): boolean {
  return state.addresses.has(address.toLowerCase());
}
