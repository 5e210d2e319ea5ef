// What this installation sent while it was forked without knowing it: the messages went out
// sealed under a state nobody else holds, so nobody could read them (the sender saw them
// "published"). Once a re-add heals the conversation they go out again under the new
// state. Receivers keep one copy: the message id is derived from the sender's idempotency
// key and content, both unchanged, so a message that did arrive once is not shown twice.
import { deleteIntent, getMessage, setMessageStatus } from "../../storage";
import { sendIntentsOf } from "../messages/undelivered";
import type { ClientContext } from "../context";

/**
 * Own messages published after envelope `sinceNodeId` (where the conversation went out of
 * sync), or never seen back on the topic, become pending again; resumeOutbox sends them.
 * Returns how many. Call under the group's lock, before the out-of-sync mark is cleared.
 */
export async function requeueForkedSends(
  ctx: ClientContext,
  groupId: string,
  sinceNodeId: bigint,
): Promise<number> {
  let requeued = 0;
  for (const status of ["published", "committed"] as const) {
    for (const intent of await sendIntentsOf(ctx, groupId, status)) {
      const row = await getMessage(ctx.db, intent.messageId);
      if (!row || row.senderInboxId !== ctx.installation.inboxId) continue;
      if (row.nodeId !== undefined && BigInt(row.nodeId) <= sinceNodeId) continue; // read by the group
      // The old ciphertext is dropped: a fresh one is sealed under the healed state.
      await deleteIntent(ctx.db, intent.id!);
      await setMessageStatus(ctx.db, row.id, "pending");
      requeued++;
    }
  }
  return requeued;
}
