// Message ID (compat: libxmtp xmtp_mls utils `calculate_message_id`):
// sha256(group_id ‖ "\t" ‖ utf8(idempotency_key) ‖ "\t" ‖ encoded_content), lowercase hex.
// `encodedContent` is PlaintextEnvelope.V1.content as sent (EncodedContent bytes, compressed
// or not), not the envelope; libxmtp's idempotency key is the sender's now_ns in decimal.

import { concatBytes, sha256, toHex, utf8 } from "../crypto";

const TAB = new Uint8Array([0x09]);

export function messageId(
  groupId: Uint8Array,
  idempotencyKey: string,
  encodedContent: Uint8Array,
): string {
  return toHex(sha256(concatBytes(groupId, TAB, utf8(idempotencyKey), TAB, encodedContent)));
}
