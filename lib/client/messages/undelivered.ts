// Messages a removal leaves undelivered. Envelopes are read in node order, so when this
// installation applies the commit that removes it, every message it published and has not
// read back yet is ordered after that commit: the members refuse it (a past-epoch message
// from a sender no longer in the tree, lib/mls/past-epoch.ts). It is marked failed, never
// left looking delivered; its ciphertext is dropped so no retry publishes it again.
import { deleteIntent, getMessage, nextIntents, setMessageStatus } from "../../storage";
import type { ClientContext } from "../context";
import type { ReceiveLog } from "../types";

export async function failUndelivered(
  ctx: ClientContext,
  groupId: string,
  log?: ReceiveLog,
): Promise<number> {
  let failed = 0;
  for (const status of ["to_publish", "published"] as const) {
    const intents = await nextIntents(ctx.db, {
      status,
      conversationId: groupId,
      limit: Number.MAX_SAFE_INTEGER,
    });
    for (const intent of intents) {
      if (intent.kind !== "send_message" || !intent.messageId) continue;
      await deleteIntent(ctx.db, intent.id!);
      if (await getMessage(ctx.db, intent.messageId)) {
        await setMessageStatus(ctx.db, intent.messageId, "failed");
        failed++;
      }
    }
  }
  if (failed > 0) log?.("messages_undelivered_removed", { groupId, count: failed });
  return failed;
}
