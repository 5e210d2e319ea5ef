// What a new message does to an archived conversation, as Signal does with "keep muted
// chats archived": a muted one stays archived; any other comes back to the list. Every
// device sees the same message and decides alike (the change is stamped with the message's
// node time), so nothing needs to be sent for it.
import {
  loadConversationPrefs,
  loadPushPrefs,
  mergeConversationPrefs,
  getConversation,
} from "../../storage";
import type { ClientContext } from "../context";
import type { ReceiveLog } from "../types";
import { prefKeyOf } from "./organize";

export function keepArchives(ctx: ClientContext, log?: ReceiveLog): () => void {
  return ctx.bus.subscribe((m) => {
    if (m.senderInboxId === ctx.installation.inboxId || !m.shouldPush || m.status !== "published")
      return;
    if (m.expiresAtNs !== undefined && m.expiresAtNs <= BigInt(Date.now()) * 1_000_000n) return;
    // Out of the receive path (which holds the group's lock) first.
    setTimeout(() => {
      void (async () => {
        const row = await getConversation(ctx.db, m.conversationId);
        if (!row) return;
        const key = prefKeyOf(row);
        const archived = (await loadConversationPrefs(ctx.db))[key]?.archived;
        if (!archived?.on || BigInt(archived.atNs) >= m.sentAtNs) return;
        const push = await loadPushPrefs(ctx.db, BigInt(Date.now()) * 1_000_000n);
        if (push.mutes.get(key)?.muted) return;
        await mergeConversationPrefs(ctx.db, [
          { key, field: "archived", on: false, atNs: m.sentAtNs },
        ]);
      })().catch((err: unknown) => log?.("unarchive_failed", { error: (err as Error).message }));
    }, 0);
  });
}
