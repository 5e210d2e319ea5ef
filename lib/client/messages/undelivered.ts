// Messages a removal leaves undelivered. Envelopes are read in node order, so when this
// installation applies the commit that removes it, every message it published and has not
// read back yet is ordered after that commit: the members refuse it (a past-epoch message
// from a sender no longer in the tree, lib/mls/past-epoch.ts). It is marked failed, never
// left looking delivered; its ciphertext is dropped so no retry publishes it again.
import { deleteIntent, getMessage, nextIntents, setMessageStatus } from "../../storage";
import type { ClientContext } from "../context";
import type { ReceiveLog } from "../types";

/** This group's message intents in one status (the outbox's view of what was sent). */
export async function sendIntentsOf(
  ctx: ClientContext,
  groupId: string,
  status: "to_publish" | "published" | "committed",
) {
  const intents = await nextIntents(ctx.db, {
    status,
    conversationId: groupId,
    limit: Number.MAX_SAFE_INTEGER,
  });
  return intents.filter(
    (i): i is typeof i & { messageId: string } => i.kind === "send_message" && !!i.messageId,
  );
}

export async function failUndelivered(
  ctx: ClientContext,
  groupId: string,
  log?: ReceiveLog,
): Promise<number> {
  let failed = 0;
  for (const status of ["to_publish", "published"] as const) {
    for (const intent of await sendIntentsOf(ctx, groupId, status)) {
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
