// Setting and reading a conversation's disappearing-message timer (issue 17 item 2). The
// timer is a metadata commit (libxmtp's two attributes, timer.ts): who may make it follows
// the group's policy for it (admins by default, as libxmtp; either person in a DM), and
// every member checks that policy on receipt.
import { allows, hasMutableExtensions, isActive, readGroupContext, roleOf } from "../../mls";
import { nsFromKey } from "../../storage";
import type { Ability } from "../groups/abilities";
import type { ConversationRow } from "../../storage";
import type { ClientContext } from "../context";
import { runGroupChange } from "../groups/commit";
import { requireGroup } from "../groups/state";
import type { ReceiveLog } from "../types";
import { parseTimerNs, timerOf } from "./timer";

export interface DisappearingTimer {
  /** Messages sent from this time on (ns) disappear… */
  fromNs: bigint;
  /** …this long after they were sent (ns). */
  inNs: bigint;
}

/**
 * Sets the timer (ns; null or 0 turns it off) and resolves once the commit is in the group.
 * Bad values and changes the policy does not allow are refused before anything is sent.
 */
export async function setTimer(
  ctx: ClientContext,
  conversationId: string,
  inNs: unknown,
  log?: ReceiveLog,
): Promise<void> {
  const ns = parseTimerNs(inNs);
  const fromNs = BigInt(Date.now()) * 1_000_000n;
  await runGroupChange(
    ctx,
    conversationId,
    { op: "set_disappearing", fromNs: fromNs.toString(), inNs: ns.toString() },
    log,
  );
}

/** The timer of the group's current epoch, or undefined when off. */
export async function currentTimer(
  ctx: ClientContext,
  conversationId: string,
): Promise<DisappearingTimer | undefined> {
  return timerOf(await requireGroup(ctx, conversationId));
}

/** The row's copy of the timer (what lists and headers show without reading the group). */
export function rowTimer(row: ConversationRow): DisappearingTimer | undefined {
  const t = row.disappearing;
  return t ? { fromNs: nsFromKey(t.fromNs), inNs: nsFromKey(t.inNs) } : undefined;
}

/** Whether this member may change the timer now, and if not, who may (for the settings view). */
export async function timerAbility(ctx: ClientContext, conversationId: string): Promise<Ability> {
  const group = await requireGroup(ctx, conversationId);
  if (!isActive(group)) return { allowed: false, because: "inactive" };
  const ext = group.state.groupContext.extensions;
  if (!hasMutableExtensions(ext)) return { allowed: false, because: "deny" };
  const c = readGroupContext(ext);
  const policy = c.permissions.update_message_disappearing;
  return allows(policy, roleOf(c, ctx.installation.inboxId))
    ? { allowed: true }
    : { allowed: false, because: policy };
}
