// Leaving: MLS has no self-removal commit, so the leaver sends a leave_request and every
// member the policy lets remove it commits the removal (the first one wins; the others'
// plans find nothing left to do). The removal then reaches the leaver like any other.
import {
  allows,
  hasMutableExtensions,
  readGroupContext,
  roleOf,
  type GroupHandle,
} from "../../mls";
import { toHex } from "../../crypto";
import type { ClientContext } from "../context";
import { runGroupChange } from "./commit";
import type { ReceiveLog } from "../types";

/** May this installation's inbox remove `inboxId` under the group's current policy? */
export function mayRemove(group: GroupHandle, self: string, inboxId: string): boolean {
  if (!hasMutableExtensions(group.state.groupContext.extensions)) return false;
  const c = readGroupContext(group.state.groupContext.extensions);
  const role = roleOf(c, self);
  if (c.metadata.superAdmins.includes(inboxId) && role !== "super_admin") return false;
  return allows(c.permissions.remove_member, role);
}

/** Called with the group's lock held: the removal runs after it is released. */
export function honourLeaveRequest(
  ctx: ClientContext,
  group: GroupHandle,
  inboxId: string,
  log?: ReceiveLog,
): void {
  const self = ctx.installation.inboxId;
  if (inboxId === self || !mayRemove(group, self, inboxId)) return;
  const groupId = toHex(group.groupId);
  setTimeout(() => {
    void (async () => {
      await runGroupChange(ctx, groupId, { op: "remove", inboxes: [inboxId] }, log);
      log?.("leave_request_honoured", { groupId, inboxId });
    })().catch((err: unknown) =>
      log?.("leave_request_failed", { groupId, inboxId, error: (err as Error).message }),
    );
  }, 0);
}
