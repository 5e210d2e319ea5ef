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

const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && a.every((x) => b.includes(x));

/**
 * The actions a change needs. Who is added or removed is read from the tree (inboxes that
 * gain their first leaf / lose their last one); membership entries of inboxes without
 * leaves are bookkeeping anyone may drop (see group.ts: a removal is the MLS Remove
 * commit, then a second, pathless commit that updates the extensions).
 */
export function actionsOf(c: CommitChange): PermissionAction[] {
  const { before, after } = c;
  const out = new Set<PermissionAction>();
  if ([...c.inboxesAfter].some((x) => !c.inboxesBefore.has(x))) out.add("add_member");
  if ([...c.inboxesBefore].some((x) => !c.inboxesAfter.has(x))) out.add("remove_member");
  for (const f of Object.keys(METADATA_LIMITS) as MetadataField[]) {
    if (before.metadata.attributes[f] !== after.metadata.attributes[f]) out.add(actionForField(f));
  }
  const removedInboxes = new Set(
    [...before.membership.keys()].filter((x) => !after.membership.has(x)),
  );
  if (after.metadata.admins.some((x) => !before.metadata.admins.includes(x))) out.add("add_admin");
  if (
    before.metadata.admins.some((x) => !after.metadata.admins.includes(x) && !removedInboxes.has(x))
  )
    out.add("remove_admin");
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
  const keys = new Set(Object.keys(METADATA_LIMITS));
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
  const listedAfter = (xs: string[]) => xs.filter((x) => after.membership.has(x));
  if (!sameSet(listedAfter(before.metadata.superAdmins), listedAfter(after.metadata.superAdmins))) {
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
  for (const x of [...after.metadata.admins, ...after.metadata.superAdmins])
    if (
      !after.membership.has(x) &&
      !before.metadata.admins.concat(before.metadata.superAdmins).includes(x)
    )
      return `admin ${x} is not a member`;
  return undefined;
}
