import type { Ability, GroupAbility, PermissionAction, Policy, Role } from "@/lib/client";

/** What each action is called on screen, as a verb phrase ("Only admins can …"). */
export const ACTION_VERB: Record<GroupAbility, string> = {
  add_member: "add members",
  remove_member: "remove members",
  update_group_name: "change the name",
  update_description: "change the description",
  update_image_url: "change the image",
  update_message_disappearing: "change the disappearing-message timer",
  add_admin: "make admins",
  remove_admin: "remove admins",
  update_permissions: "change permissions",
  manage_super_admins: "change super admins",
  leave: "leave",
};

export const ACTION_TITLE: Record<PermissionAction, string> = {
  add_member: "Add members",
  remove_member: "Remove members",
  update_group_name: "Edit name",
  update_description: "Edit description",
  update_image_url: "Edit image",
  update_message_disappearing: "Disappearing messages",
  add_admin: "Make admins",
  remove_admin: "Remove admins",
  update_permissions: "Change permissions",
};

export const POLICY_LABEL: Record<Policy, string> = {
  allow: "Everyone",
  admin: "Admins",
  super_admin: "Super admins",
  deny: "Nobody",
};

export const ROLE_LABEL: Record<Role, string> = {
  super_admin: "Super admin",
  admin: "Admin",
  member: "Member",
};

/** Why an action is unavailable, in words; undefined when it is allowed. */
export function whyNot(ability: Ability, action: GroupAbility): string | undefined {
  return whyNotTo(ability, ACTION_VERB[action]);
}

/** The same, for a verb phrase of the caller's ("edit this group"). */
export function whyNotTo(ability: Ability, verb: string): string | undefined {
  if (ability.allowed) return undefined;
  switch (ability.because) {
    case "admin":
      return `Only admins can ${verb}.`;
    case "super_admin":
      return `Only super admins can ${verb}.`;
    case "deny":
      return `Nobody can ${verb} in this group.`;
    case "allow":
      return undefined;
    case "inactive":
      return "You're no longer a member of this group.";
    case "last_super_admin":
      return "You're the only super admin: make someone else super admin first.";
  }
}
