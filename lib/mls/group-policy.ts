// Every member checks every group commit against the permission policy of the epoch
// it was made in: who committed (their role before the commit) and what changed.

import type { ClientState } from "ts-mls";
import {
  METADATA_LIMITS,
  actionForField,
  allows,
  roleOf,
  type GroupContextState,
  type MetadataField,
  type PermissionAction,
  PERMISSION_ACTIONS,
} from "./group-context";
import { leavesOf, memberOf } from "./state";
import { DISAPPEAR_FIELDS } from "./disappearing";

export interface CommitChange {
  committerInboxId: string;
  before: GroupContextState;
  after: GroupContextState;
  /** Inboxes holding leaves before and after the commit. */
  inboxesBefore: Set<string>;
  inboxesAfter: Set<string>;
}

export function inboxesOf(tree: ClientState["ratchetTree"]): Set<string> {
  return new Set(leavesOf(tree).map(({ leaf }) => memberOf(leaf).inboxId));
}

/**
 * Role-list changes, read with the tree: a role counts while its inbox holds leaves.
 * `gained`: listed now and not before, or listed and holding leaves again (a re-added
 * inbox keeps no role unless someone allowed to grant it does so). `lost`: unlisted while
 * holding leaves both before and after. Dropping the entry of an inbox without leaves
 * (before or after) is bookkeeping anyone may do (see group.ts: a removal is the MLS Remove
 * commit, then a second, pathless commit that updates the extensions).
 */
export function roleListChanges(
  before: string[],
  after: string[],
  c: Pick<CommitChange, "inboxesBefore" | "inboxesAfter">,
): { gained: string[]; lost: string[] } {
  const rejoined = (x: string) => !c.inboxesBefore.has(x) && c.inboxesAfter.has(x);
  return {
    gained: after.filter((x) => !before.includes(x) || rejoined(x)),
    lost: before.filter(
      (x) => !after.includes(x) && c.inboxesBefore.has(x) && c.inboxesAfter.has(x),
    ),
  };
}

/**
 * The actions a change needs. Who is added or removed is read from the tree (inboxes that
 * gain their first leaf / lose their last one); membership entries of inboxes without
 * leaves are bookkeeping anyone may drop.
 */
export function actionsOf(c: CommitChange): PermissionAction[] {
  const { before, after } = c;
  const out = new Set<PermissionAction>();
  if ([...c.inboxesAfter].some((x) => !c.inboxesBefore.has(x))) out.add("add_member");
  if ([...c.inboxesBefore].some((x) => !c.inboxesAfter.has(x))) out.add("remove_member");
  for (const f of Object.keys(METADATA_LIMITS) as MetadataField[]) {
    if (before.metadata.attributes[f] !== after.metadata.attributes[f]) out.add(actionForField(f));
  }
  for (const f of DISAPPEAR_FIELDS)
    if (before.metadata.attributes[f] !== after.metadata.attributes[f])
      out.add("update_message_disappearing");
  const admins = roleListChanges(before.metadata.admins, after.metadata.admins, c);
  if (admins.gained.length > 0) out.add("add_admin");
  if (admins.lost.length > 0) out.add("remove_admin");
  if (PERMISSION_ACTIONS.some((k) => before.permissions[k] !== after.permissions[k]))
    out.add("update_permissions");
  return [...out];
}

/** Why this commit breaks the group's rules, or undefined when it is allowed. */
export function commitViolation(c: CommitChange): string | undefined {
  const { before, after, committerInboxId } = c;
  const role = roleOf(before, committerInboxId);
  for (const action of actionsOf(c)) {
    const policy = before.permissions[action];
    if (!allows(policy, role))
      return `${action} needs ${policy}, and ${committerInboxId} is a ${role}`;
  }
  const keys = new Set<string>([...Object.keys(METADATA_LIMITS), ...DISAPPEAR_FIELDS]);
  const attrs = new Set([
    ...Object.keys(before.metadata.attributes),
    ...Object.keys(after.metadata.attributes),
  ]);
  for (const k of attrs) {
    if (
      !keys.has(k) &&
      before.metadata.attributes[k] !== after.metadata.attributes[k] &&
      role !== "super_admin"
    )
      return `attribute ${k} can only be changed by a super admin`;
  }
  // Whatever else the commit does: granting, restoring or taking super admin is theirs alone.
  const supers = roleListChanges(before.metadata.superAdmins, after.metadata.superAdmins, c);
  if (supers.gained.length > 0 || supers.lost.length > 0) {
    if (role !== "super_admin")
      return `only a super admin changes super admins, ${committerInboxId} is a ${role}`;
    if (after.metadata.superAdmins.length === 0) return "a group keeps at least one super admin";
  }
  const removed = [...c.inboxesBefore].filter((x) => !c.inboxesAfter.has(x));
  if (removed.some((x) => before.metadata.superAdmins.includes(x)) && role !== "super_admin")
    return "only a super admin removes a super admin";
  // Every inbox in the tree is listed; an entry is added only with the inbox's leaves
  // and dropped only once it holds none.
  for (const x of c.inboxesAfter)
    if (!after.membership.has(x))
      return `inbox ${x} holds leaves but is not in the membership extension (0xff01)`;
  for (const x of after.membership.keys())
    if (!before.membership.has(x) && !c.inboxesAfter.has(x))
      return `membership extension lists ${x}, which holds no leaf`;
  for (const x of before.membership.keys())
    if (!after.membership.has(x) && c.inboxesAfter.has(x))
      return `membership extension drops ${x}, which still holds leaves`;
  for (const [inbox, seq] of after.membership) {
    const prev = before.membership.get(inbox);
    if (prev !== undefined && seq < prev) return `membership sequence id of ${inbox} went back`;
  }
  // A role list may keep an entry of an inbox that left, never gain one (of either list).
  for (const list of ["admins", "superAdmins"] as const)
    for (const x of after.metadata[list])
      if (!after.membership.has(x) && !before.metadata[list].includes(x))
        return `admin ${x} is not a member`;
  return undefined;
}
