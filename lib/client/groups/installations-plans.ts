// Planners for members' devices (see installations.ts): revoked installations leave, new
// ones join, both read from the identity logs on the epoch the commit is built on.
import { toHex } from "../../crypto";
import { groupMembers, hasMutableExtensions, type GroupHandle } from "../../mls";
import type { ClientContext } from "../context";
import type { PlannedChange } from "./planned-change";
import { keyPackagesOf, nextContext } from "./plans";

/** Leaves whose installation the inbox's log no longer holds (never this installation). */
export function planRemoveRevoked(ctx: ClientContext) {
  return async (group: GroupHandle): Promise<PlannedChange | undefined> => {
    const own = toHex(ctx.installation.publicKey);
    const members = groupMembers(group);
    const remove: Uint8Array[] = [];
    const inboxes = [...new Set(members.map((m) => m.inboxId))];
    await ctx.resolver.refreshMany(inboxes); // one batched query, not one per inbox
    for (const m of members) {
      const log = ctx.resolver.latestKnown(m.inboxId);
      if (!log) continue; // cannot tell: leave it
      const key = toHex(m.installationKey);
      if (key !== own && !log.installations.includes(key)) remove.push(m.installationKey);
    }
    return remove.length ? { remove } : undefined;
  };
}

/** Installations the members' logs hold that are not in the group yet, with the logs' new sequence ids. */
export function planAddNewInstallations(ctx: ClientContext) {
  return async (group: GroupHandle): Promise<PlannedChange | undefined> => {
    // A DM carries no membership extension: its inboxes are its leaves'.
    const extensions = hasMutableExtensions(group.state.groupContext.extensions);
    const context = extensions ? nextContext(group) : undefined;
    const inboxes = context
      ? [...context.membership.keys()]
      : [...new Set(groupMembers(group).map((m) => m.inboxId))];
    // An installation without a key package yet (just registering) waits for the next check.
    const { add, seq } = await keyPackagesOf(ctx, group, inboxes).catch(() => ({
      add: [],
      seq: new Map<string, bigint>(),
    }));
    if (add.length === 0) return undefined;
    if (!context) return { add };
    const grew = new Set(add.map((a) => a.parsed.inboxId));
    for (const [inbox, s] of seq) if (grew.has(inbox)) context.membership.set(inbox, s);
    return { add, context };
  };
}
