// What this member may do in a group right now, from the epoch's permission policy and
// its role — so views can disable an action (and say why) instead of failing on send.
import {
  allows,
  PERMISSION_ACTIONS,
  type GroupContextState,
  type PermissionAction,
  type Policy,
  type Role,
} from "../../mls";

/** Policy-governed actions plus the two rules that are not policies. */
export type GroupAbility = PermissionAction | "manage_super_admins" | "leave";

export type Ability =
  | { allowed: true }
  | {
      allowed: false;
      /** Who may: the policy when it is one, else the rule that blocks it. */
      because: Policy | "inactive" | "last_super_admin";
    };

export function abilitiesOf(
  c: GroupContextState,
  myInboxId: string,
  myRole: Role,
  active: boolean,
): Record<GroupAbility, Ability> {
  const out = {} as Record<GroupAbility, Ability>;
  for (const action of PERMISSION_ACTIONS) {
    const policy = c.permissions[action];
    out[action] = !active
      ? { allowed: false, because: "inactive" }
      : allows(policy, myRole)
        ? { allowed: true }
        : { allowed: false, because: policy };
  }
  out.manage_super_admins = !active
    ? { allowed: false, because: "inactive" }
    : myRole === "super_admin"
      ? { allowed: true }
      : { allowed: false, because: "super_admin" };
  const onlySuperAdmin =
    c.metadata.superAdmins.length === 1 &&
    c.metadata.superAdmins[0] === myInboxId &&
    c.membership.size > 1;
  out.leave = !active
    ? { allowed: false, because: "inactive" }
    : onlySuperAdmin
      ? { allowed: false, because: "last_super_admin" }
      : { allowed: true };
  return out;
}
