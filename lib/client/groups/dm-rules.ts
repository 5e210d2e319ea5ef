// DM membership, checked by each receiver: a DM holds exactly its two inboxes, and the only
// changes are the automatic ones that follow the identity logs. New installations of the two
// inboxes join (ts-mls checks each added leaf against its log, processMessage its inbox);
// an installation leaves only once its own inbox revoked it. So a DM peer cannot drop some
// (or all) of your devices, and nobody can take either inbox out of the conversation.
import { toHex } from "../../crypto";
import { groupMembers, groupMetadata, MlsError, type GroupHandle } from "../../mls";
import type { ClientContext } from "../context";

export async function checkDmMembership(
  ctx: ClientContext,
  before: GroupHandle,
  after: GroupHandle,
): Promise<void> {
  if (groupMetadata(before).conversationType !== "dm") return;
  const remaining = new Set(groupMembers(after).map((m) => toHex(m.installationKey)));
  for (const m of groupMembers(before)) {
    const key = toHex(m.installationKey);
    if (remaining.has(key)) continue;
    // The newest log: a removal that follows a revocation must not be refused on a stale cache.
    const log = await ctx.resolver.latest(m.inboxId);
    if (!log || log.installations.includes(key))
      throw new MlsError(
        "invalid_commit",
        `commit rejected: DM commit removes installation ${key.slice(0, 12)}… of ${m.inboxId}, which its identity log has not revoked`,
      );
  }
}
