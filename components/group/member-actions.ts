import type { GroupDetails, GroupMember } from "@/lib/client";
import { whyNot } from "./permission-copy";

export interface MemberAction {
  key: "make_admin" | "remove_admin" | "make_super_admin" | "remove_super_admin" | "remove";
  label: string;
  danger?: boolean;
  /** Why it is unavailable; undefined when allowed. */
  blocked?: string;
}

/** What this member may do to `target`, each with the reason when it is not allowed. */
export function memberActions(d: GroupDetails, target: GroupMember, self: string): MemberAction[] {
  if (target.inboxId === self) return [];
  const out: MemberAction[] = [];
  const superAdmins = d.members.filter((m) => m.role === "super_admin").length;
  if (target.role === "member")
    out.push({
      key: "make_admin",
      label: "Make admin",
      blocked: whyNot(d.can.add_admin, "add_admin"),
    });
  if (target.role === "admin")
    out.push({
      key: "remove_admin",
      label: "Remove as admin",
      blocked: whyNot(d.can.remove_admin, "remove_admin"),
    });
  if (target.role !== "super_admin")
    out.push({
      key: "make_super_admin",
      label: "Make super admin",
      blocked: whyNot(d.can.manage_super_admins, "manage_super_admins"),
    });
  else
    out.push({
      key: "remove_super_admin",
      label: "Remove as super admin",
      blocked:
        whyNot(d.can.manage_super_admins, "manage_super_admins") ??
        (superAdmins <= 1 ? "A group keeps at least one super admin." : undefined),
    });
  out.push({
    key: "remove",
    label: "Remove from group",
    danger: true,
    blocked:
      whyNot(d.can.remove_member, "remove_member") ??
      (target.role === "super_admin" && d.myRole !== "super_admin"
        ? "Only super admins can remove a super admin."
        : undefined),
  });
  return out;
}
