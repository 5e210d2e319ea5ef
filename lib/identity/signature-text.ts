// The one text every signer of an identity update signs, byte for byte as libxmtp
// builds it (xmtp_id associations/unsigned_actions.rs): header, inbox ID, RFC 3339
// time with whole seconds and "Z", one two-line entry per action, footer.
import type { IdentityAction, IdentityUpdate } from "../proto/identity/associations/association_pb";
import { IdentifierKind } from "../proto/identity/associations/association_pb";
import { IdentityError } from "./errors";
import { normalizeAddress } from "./inbox-id";
import { memberRef } from "./members";

const HEADER = "XMTP : Authenticate to inbox";
const FOOTER = "For more info: https://xmtp.org/signatures";
const MAX_TIMESTAMP_NS = (1n << 63n) - 1n; // libxmtp formats the time as an i64 of nanoseconds

/** "1970-01-01T00:00:00Z": truncated to whole seconds, UTC. */
export function rfc3339Seconds(clientTimestampNs: bigint): string {
  if (clientTimestampNs < 0n || clientTimestampNs > MAX_TIMESTAMP_NS) {
    throw new IdentityError(
      "timestamp_out_of_range",
      "client_timestamp_ns must be between 0 and 2^63-1 nanoseconds",
      `got ${clientTimestampNs}`,
    );
  }
  const ms = Number(clientTimestampNs / 1_000_000_000n) * 1000;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export const actionLines = {
  createInbox: (address: string) => `- Create inbox\n  (Owner: ${address})`,
  grantInstallation: (keyHex: string) => `- Grant messaging access to app\n  (ID: ${keyHex})`,
  linkAddress: (address: string) => `- Link address to inbox\n  (Address: ${address})`,
  revokeInstallation: (keyHex: string) => `- Revoke messaging access from app\n  (ID: ${keyHex})`,
  unlinkAddress: (address: string) => `- Unlink address from inbox\n  (Address: ${address})`,
  changeRecoveryAddress: (address: string) =>
    `- Change inbox recovery address\n  (Address: ${address})`,
} as const;

export function checkEthereumKind(kind: IdentifierKind, field: string): void {
  // 0 (unspecified) means Ethereum on older clients.
  if (kind !== IdentifierKind.ETHEREUM && kind !== IdentifierKind.UNSPECIFIED) {
    throw new IdentityError(
      "malformed_update",
      `${field} must be an Ethereum identifier (passkeys are not supported)`,
    );
  }
}

export function actionLine(action: IdentityAction, index: number): string {
  const k = action.kind;
  switch (k.case) {
    case "createInbox":
      checkEthereumKind(
        k.value.initialIdentifierKind,
        `actions[${index}].create_inbox.initial_identifier_kind`,
      );
      return actionLines.createInbox(
        normalizeAddress(
          k.value.initialIdentifier,
          `actions[${index}].create_inbox.initial_identifier`,
        ),
      );
    case "add": {
      const ref = memberRef(
        k.value.newMemberIdentifier,
        `actions[${index}].add.new_member_identifier`,
      );
      return ref.kind === "address"
        ? actionLines.linkAddress(ref.key)
        : actionLines.grantInstallation(ref.key);
    }
    case "revoke": {
      const ref = memberRef(k.value.memberToRevoke, `actions[${index}].revoke.member_to_revoke`);
      return ref.kind === "address"
        ? actionLines.unlinkAddress(ref.key)
        : actionLines.revokeInstallation(ref.key);
    }
    case "changeRecoveryAddress":
      checkEthereumKind(
        k.value.newRecoveryIdentifierKind,
        `actions[${index}].change_recovery_address.new_recovery_identifier_kind`,
      );
      return actionLines.changeRecoveryAddress(
        normalizeAddress(
          k.value.newRecoveryIdentifier,
          `actions[${index}].change_recovery_address.new_recovery_identifier`,
        ),
      );
    default:
      throw new IdentityError(
        "malformed_update",
        `actions[${index}] must carry one of the four identity actions`,
      );
  }
}

/** The exact XMTP signature text for the update's actions (signatures inside are ignored). */
export function signatureText(update: IdentityUpdate): string {
  if (update.actions.length === 0) {
    throw new IdentityError(
      "malformed_update",
      "an identity update must contain at least one action",
    );
  }
  const lines = update.actions.map((a, i) => actionLine(a, i)).join("\n");
  return `${HEADER}\n\nInbox ID: ${update.inboxId}\nCurrent time: ${rfc3339Seconds(update.clientTimestampNs)}\n\n${lines}\n\n${FOOTER}`;
}
