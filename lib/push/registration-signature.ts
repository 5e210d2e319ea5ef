// What an installation signs to change its push registration on the node (ours):
// pure Ed25519 over a fixed context line and the serialized PushRegistration, so the
// signature cannot be replayed as any other signed structure.
import { utf8 } from "../crypto";

export const PUSH_REGISTRATION_CONTEXT = "messenger push registration v1\n";

export function pushRegistrationSignedBytes(registration: Uint8Array): Uint8Array {
  const prefix = utf8(PUSH_REGISTRATION_CONTEXT);
  const out = new Uint8Array(prefix.length + registration.length);
  out.set(prefix, 0);
  out.set(registration, prefix.length);
  return out;
}
