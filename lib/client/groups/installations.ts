// Members' devices change: an inbox adds an installation (a new browser) or revokes one.
// Before sending, a member brings the group in line with the identity logs, as XMTP
// clients do: revoked installations leave, new ones join. Anyone may commit this — it
// changes no membership — and every receiver checks it against the logs
// (group-updates.ts), so no member can drop a live installation of someone else.
import { toHex } from "../../crypto";
import { groupMembers, hasMutableExtensions, type GroupHandle } from "../../mls";
import type { ClientContext } from "../context";
import { runGroupChange, type PlannedChange } from "./commit";
import { keyPackagesOf, nextContext } from "./plans";
import { requireGroup } from "./state";
import type { ReceiveLog } from "../types";

/** Leaves whose installation the inbox's log no longer holds (never this installation). */
export function planRemoveRevoked(ctx: ClientContext) {
  return async (group: GroupHandle): Promise<PlannedChange | undefined> => {
    const own = toHex(ctx.installation.publicKey);
    const members = groupMembers(group);
    const remove: Uint8Array[] = [];
    for (const inbox of new Set(members.map((m) => m.inboxId))) {
      const log = await ctx.resolver.latest(inbox);
      if (!log) continue; // cannot tell: leave it
      const live = new Set(log.installations);
      for (const m of members) {
        const key = toHex(m.installationKey);
        if (m.inboxId === inbox && key !== own && !live.has(key)) remove.push(m.installationKey);
      }
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

/** Whether any member's leaves differ from its (cached, just refreshed) identity log. */
function differs(ctx: ClientContext, group: GroupHandle): boolean {
  const own = toHex(ctx.installation.publicKey);
  const leaves = new Map<string, Set<string>>();
  for (const m of groupMembers(group)) {
    const set = leaves.get(m.inboxId) ?? new Set<string>();
    set.add(toHex(m.installationKey));
    leaves.set(m.inboxId, set);
  }
  for (const [inbox, keys] of leaves) {
    const state = ctx.resolver.cached(inbox);
    if (!state) continue;
    if (state.installations.size !== keys.size) return true;
    for (const k of keys) if (k !== own && !state.installations.has(k)) return true;
  }
  return false;
}

// Concurrent sends to one group share one check.
const running = new Map<string, Promise<void>>();

/**
 * Brings the group's installations in line with the members' identity logs. The check is
 * one batched log query; commits happen only when something changed.
 */
export function syncGroupInstallations(
  ctx: ClientContext,
  groupId: string,
  log?: ReceiveLog,
): Promise<void> {
  const key = `${ctx.lockPrefix}:${groupId}`;
  const current = running.get(key);
  if (current) return current;
  const job = (async () => {
    const group = await requireGroup(ctx, groupId);
    if (group.state.groupActiveState.kind !== "active") return;
    await ctx.resolver.refreshMany(groupMembers(group).map((m) => m.inboxId));
    if (!differs(ctx, group)) return;
    // Removal first: an add names the log's sequence id, and the members check the group
    // then holds exactly that log's installations.
    await runGroupChange(ctx, groupId, "update_installations", planRemoveRevoked(ctx), log);
    await runGroupChange(ctx, groupId, "update_installations", planAddNewInstallations(ctx), log);
  })().finally(() => running.delete(key));
  running.set(key, job);
  return job;
}
