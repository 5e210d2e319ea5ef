export type ClientErrorCode =
  | "not_registered"
  | "no_inbox" // the address has not activated messaging
  | "no_installations"
  | "key_package_missing"
  | "key_package_lifetime" // the node handed out a key package that expired or is not valid yet
  | "identity_mismatch"
  | "conversation_not_found"
  | "invalid_address"
  | "send_failed"
  | "not_allowed" // the group's permission policy forbids this change
  | "not_a_member"
  | "group_too_large"
  | "commit_failed" // a group change lost its epoch 3 times or could not be sent
  | "invalid_argument"
  | "installation_limit" // the inbox holds 10 installations: revoke one first
  | "history_failed" // no other device answered, or its archive was refused
  | "upload_failed"
  | "canceled"
  | "attachment_unavailable" // fetch, size, digest or decryption of a remote attachment failed
  | "node_inconsistent" // the node's answer contradicts what its own signed logs say
  | "closed"
  | "invalid_dm_welcome" // a DM welcome naming or holding other inboxes than us and one peer
  | "out_of_sync" // a commit the others applied could not be applied here: sending waits
  | "contested" // two welcomes for one group id, none confirmed yet by another own device
  /** Sign to unlock is on: this browser's messages open only with the wallet's signature. */
  | "store_locked"
  /** The wallet's signature did not unlock them (another wallet, or another account). */
  | "unlock_failed"
  /** The wallet signs the same text differently each time: its signature cannot be a key. */
  | "signer_not_deterministic"
  /** A smart-contract wallet's signature, and no RPC configured here for its chain. */
  | "scw_unverifiable"
  /** The chain's RPC did not answer while checking a smart-contract wallet signature. */
  | "chain_unreachable"
  /** A name was typed, and no RPC for the names chain is configured (or it did not answer). */
  | "names_unavailable"
  /** The name does not resolve to an address. */
  | "name_not_found"
  /** An invite link that is not well formed, or not signed by the inviter's device it names. */
  | "invalid_invite"
  /** An invite link past its expiry. */
  | "invite_expired";

/** A client-level failure with a stable code and a sentence a person can act on. */
export class ClientError extends Error {
  override readonly name = "ClientError";
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly retryable = false,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

export function normalizeAddress(address: string): string {
  if (!ADDRESS_RE.test(address)) {
    throw new ClientError(
      "invalid_address",
      `"${address}" is not an Ethereum address (0x followed by 40 hex digits)`,
    );
  }
  return address.toLowerCase();
}
