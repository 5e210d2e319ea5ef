// System lines (group_updated) are written by this client for the commits it applied;
// the same type arriving as a peer's application message is dropped, never stored.
import { toHex } from "../../crypto";
import { contentTypeToString, decodeEncodedContent, isLocalOnlyContentType } from "../../content";
import type { GroupMessage_V1 } from "../../proto/mls/api/v1/mls_pb";
import type { ClientContext } from "../context";
import type { ReceiveLog } from "../types";

/** Whether `content` (EncodedContent bytes from a peer) claims a local-only type; logs and counts it. */
export function dropForgedSystemLine(
  ctx: ClientContext,
  env: GroupMessage_V1,
  content: Uint8Array,
  senderInboxId: string,
  log?: ReceiveLog,
): boolean {
  let type;
  try {
    type = decodeEncodedContent(content).type;
  } catch {
    return false; // not decodable: stored and shown as an error text, never as a system line
  }
  if (!isLocalOnlyContentType(type)) return false;
  ctx.diagnostics.drop("forged_system_line");
  log?.("message_dropped", {
    groupId: toHex(env.groupId),
    id: env.id.toString(),
    code: "forged_system_line",
    senderInboxId,
    contentType: contentTypeToString(type),
  });
  return true;
}
