// Which failures to apply a group envelope leave this member behind the others.
//
// Skipping a commit the other members applied forks the group for good: every later
// message is for an epoch this member never reaches. So a commit that a MEMBER made for
// our current epoch and that we cannot apply puts the conversation "out of sync"
// instead (visible, sending paused, recoverable). Two kinds of failure are not that:
//  - the envelope is not from a member of our epoch (its sender data does not decrypt,
//    or it names another epoch): anyone who knows the group id can post such bytes, so
//    they must not be able to stop the conversation; they are skipped as before;
//  - a policy refusal ("commit rejected: …", the DM rules) or a key package outside its
//    lifetime: it depends on the commit and what every member shares, so every honest member
//    refuses it alike and nobody moves on; the group stays in step without it (and one
//    member's forged commit cannot freeze the others).
// Everything else — an identity-log check, a commit that decrypts but does not apply —
// depends on what this member could see and may differ from the others.
import { readMessageHeader, type GroupHandle } from "../../mls";

export function leavesUsBehind(group: GroupHandle, data: Uint8Array, err: unknown): boolean {
  let header;
  try {
    header = readMessageHeader(data);
  } catch {
    return false;
  }
  if (header.contentType !== "commit" || header.epoch !== group.epoch) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  const text = typeof message === "string" ? message : "";
  if (code === "decrypt_failed" && /sender (data|leaf)/.test(text)) return false;
  if (code === "malformed_message" || code === "wrong_group") return false;
  if (code === "invalid_commit" && text.startsWith("commit rejected:")) return false;
  if (code === "key_package_lifetime") return false;
  return true;
}
