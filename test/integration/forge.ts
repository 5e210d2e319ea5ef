// A "modified client" for policy tests: builds a commit with lib/mls directly, skipping
// the client's own permission check, and publishes it. Uses the client's real state.
import type { Client } from "../../lib/client";
import type { ClientContext } from "../../lib/client/context";
import { requireGroup } from "../../lib/client/groups/state";
import { commitChanges, groupMembers } from "../../lib/mls";

export async function forgeRemoval(client: Client, groupId: string, victimInboxId: string) {
  const ctx = (client as unknown as { ctx: ClientContext }).ctx;
  const group = await requireGroup(ctx, groupId);
  const remove = groupMembers(group)
    .filter((m) => m.inboxId === victimInboxId)
    .map((m) => m.installationKey);
  const out = await commitChanges(group, { remove }, ctx.resolver.authenticate);
  await ctx.api.sendGroupMessages([{ data: out.commit, shouldPush: false }]);
}
