// The receive path's one write per application message (storage/incoming.ts): the message,
// the state its decryption advanced to and the topic's cursor together, when the state this
// tab holds in memory is the one it decrypted with (the group's lock is held, so it is the
// stored one). Otherwise nothing is written here and receive.ts stores them step by step.
import { toHex } from "../../crypto";
import type { GroupHandle } from "../../mls";
import { groupTopic, storeReceived, type MessageRow, type SealedMessage } from "../../storage";
import type { ClientContext } from "../context";
import { cachedGroup, noteSavedGroup, sealAdvancedGroup } from "../groups/state";

/** undefined: not written (the caller's long path); else whether the message was new. */
export async function storeWithState(
  ctx: ClientContext,
  from: GroupHandle,
  next: GroupHandle,
  message: SealedMessage | undefined,
  nodeId: bigint,
): Promise<{ inserted: boolean } | undefined> {
  const groupId = toHex(next.groupId);
  const cached = cachedGroup(ctx, groupId);
  if (!cached || cached.group !== from) return undefined;
  const state = await sealAdvancedGroup(ctx, cached, next);
  try {
    const res = await storeReceived(ctx.db, {
      ...(message ? { message } : {}),
      state,
      cursor: { topic: groupTopic(groupId), nodeId },
    });
    noteSavedGroup(ctx, next, res);
    return { inserted: res.inserted };
  } catch (err) {
    // Another writer replaced the stored tree: the long path writes both parts again.
    if ((err as { code?: unknown }).code === "stale_state") return undefined;
    throw err;
  }
}

/** The row a message was stored as (its expiry is fixed inside the write). */
export function storedRow(sealed: SealedMessage): MessageRow {
  const expiresAtNs = sealed.row.expiresAtNs;
  return { ...sealed.clear, ...(expiresAtNs ? { expiresAtNs } : {}) };
}
