// A received message needs only its group's state to be decrypted, and this tab's copy in
// memory is nearly always the stored one. So an application message is decrypted with that
// copy at once, beside the read (readForReceive) that says whether it still is the stored
// one: the peer's bubble comes a read's time sooner. Decrypting is pure here (a new state in
// memory: nothing is stored, shown or sent), and the result is used only when the read hands
// back that very copy with no commit of ours pending; otherwise it is dropped unused.
import {
  isActive,
  processMessage,
  readMessageHeader,
  type GroupHandle,
  type Processed,
} from "../../mls";
import type { GroupMessage_V1 } from "../../proto/mls/api/v1/mls_pb";
import type { ClientContext } from "../context";
import { cachedGroup } from "../groups/state";

export interface EarlyDecrypt {
  /** The copy it decrypted with. */
  group: GroupHandle;
  result: Promise<Processed>;
}

/** Starts decrypting an application message with this tab's copy of its group, if it has one. */
export function decryptEarly(
  ctx: ClientContext,
  groupId: string,
  env: GroupMessage_V1,
): EarlyDecrypt | undefined {
  const cached = cachedGroup(ctx, groupId);
  if (!cached || !isActive(cached.group)) return undefined;
  let header;
  try {
    header = readMessageHeader(env.data);
  } catch {
    return undefined; // the ordinary path says what is wrong with it
  }
  // Commits take the ordinary path: they are costly, and one of ours may be pending.
  if (header.wireFormat !== "private" || header.contentType !== "application") return undefined;
  const result = processMessage(cached.group, env.data, ctx.resolver.authenticate);
  result.catch(() => undefined); // its failure is handled where it is used, if it is
  return { group: cached.group, result };
}

/** The early result when the read gave back the copy it used and no commit is pending. */
export function earlyResultFor(
  early: EarlyDecrypt | undefined,
  group: GroupHandle,
  pending: unknown,
): Promise<Processed> | undefined {
  return early && early.group === group && pending === undefined ? early.result : undefined;
}
