// Members' devices change: an inbox adds an installation (a new browser) or revokes one.
// Before sending, a member brings the group in line with the identity logs, as XMTP
// clients do: revoked installations leave, new ones join. Anyone may commit this — it
// changes no membership — and every receiver checks it against the logs
// (group-updates.ts), so no member can drop a live installation of someone else.
import { toHex } from "../../crypto";
import { groupMembers, type GroupHandle } from "../../mls";
import type { ClientContext } from "../context";
import { runGroupChange } from "./commit";
import { requireGroup } from "./state";
import type { ReceiveLog } from "../types";

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

/** The three maps below are per database (a tab may hold several clients) and group. */
const keyOf = (ctx: ClientContext, groupId: string) => `${ctx.lockPrefix}:${groupId}`;

// Concurrent sends to one group share one check.
const running = new Map<string, Promise<void>>();
// When each group's installations were last found in line with the logs (this tab's memory).
const checkedAt = new Map<string, number>();
// When typing last started a check of each group (checkInstallationsAhead).
const triedAheadAt = new Map<string, number>();

/**
 * How old a send may let the last check be (libxmtp's SEND_MESSAGE_UPDATE_INSTALLATIONS_INTERVAL_NS
 * is 5 s too): at 250 members the check is three identity-log queries, ten times the send itself.
 */
export const SEND_CHECK_INTERVAL_MS = 5_000;

/** How much sooner than a send would, typing runs the check (checkInstallationsAhead). */
const AHEAD_OF_SEND_MS = 2_000;

/** Whether the send path's check would run now (sends that need none take a shorter path). */
export function installationsCheckDue(ctx: ClientContext, groupId: string, aheadMs = 0): boolean {
  const at = checkedAt.get(keyOf(ctx, groupId));
  return at === undefined || Date.now() - at >= SEND_CHECK_INTERVAL_MS - aheadMs;
}

/**
 * While someone types (Conversations.prepareToSend): the check a send would make, made now,
 * so the Enter a moment later finds it done instead of waiting on the node for it. The same
 * check at the same bound; quiet, since the send checks again if this one failed.
 */
export function checkInstallationsAhead(ctx: ClientContext, groupId: string): void {
  if (!installationsCheckDue(ctx, groupId, AHEAD_OF_SEND_MS)) return;
  // At most one try per AHEAD_OF_SEND_MS: with the node unreachable, not one per key press.
  const key = keyOf(ctx, groupId);
  const tried = triedAheadAt.get(key);
  if (tried !== undefined && Date.now() - tried < AHEAD_OF_SEND_MS) return;
  triedAheadAt.set(key, Date.now());
  void syncGroupInstallations(ctx, groupId).catch(() => undefined);
}

/** The send path's check: skipped while the last one is younger than SEND_CHECK_INTERVAL_MS. */
export function syncGroupInstallationsIfDue(ctx: ClientContext, groupId: string): Promise<void> {
  if (!installationsCheckDue(ctx, groupId)) return Promise.resolve();
  return syncGroupInstallations(ctx, groupId);
}

/**
 * Brings the group's installations in line with the members' identity logs, now (a
 * revocation, a device asking for history, a new SYNC group). The check is one batched log
 * query (parallel per 100 inboxes); commits happen only when something changed.
 */
export function syncGroupInstallations(
  ctx: ClientContext,
  groupId: string,
  log?: ReceiveLog,
): Promise<void> {
  const key = keyOf(ctx, groupId);
  const current = running.get(key);
  if (current) return current;
  const job = (async () => {
    const started = Date.now();
    const group = await requireGroup(ctx, groupId);
    if (group.state.groupActiveState.kind !== "active") return;
    await ctx.resolver.refreshMany(groupMembers(group).map((m) => m.inboxId));
    if (differs(ctx, group)) {
      // Removal first: an add names the log's sequence id, and the members check the group
      // then holds exactly that log's installations.
      await runGroupChange(ctx, groupId, { op: "remove_revoked_installations" }, log);
      await runGroupChange(ctx, groupId, { op: "add_new_installations" }, log);
    }
    checkedAt.set(key, started);
  })().finally(() => running.delete(key));
  running.set(key, job);
  return job;
}
