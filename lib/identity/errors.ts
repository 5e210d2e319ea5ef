// Typed errors for identity updates. Every broken rule has its own stable code,
// and `rule` is a sentence naming that rule so a person (or the node's reply) can act on it.

export type IdentityErrorCode =
  | "not_create_inbox_first"
  | "inbox_id_mismatch"
  | "invalid_signature"
  | "wrong_signer"
  | "replayed_signature"
  | "too_many_installations"
  | "log_full"
  | "unknown_member"
  | "already_member"
  | "malformed_update"
  | "timestamp_out_of_range"
  | "scw_unverifiable"
  | "chain_unreachable"
  | "missing_signature"
  | "installation_cannot_add_installation"
  | "multiple_create_inbox";

export class IdentityError extends Error {
  readonly code: IdentityErrorCode;
  readonly rule: string;
  /** Only a chain RPC that did not answer: the same update may verify later. */
  readonly retryable: boolean;

  constructor(code: IdentityErrorCode, rule: string, detail?: string) {
    super(detail ? `${rule} (${detail})` : rule);
    this.name = "IdentityError";
    this.code = code;
    this.rule = rule;
    this.retryable = code === "chain_unreachable";
  }
}
