// The permission policy on role lists, step by step (issue 11 item 6): a role is granted
// or restored only by whoever may grant it, whatever else the commit changes; dropping the
// entry of an inbox that holds no leaves stays bookkeeping anyone may do.
import { describe, expect, it } from "vitest";
import { commitViolation, presetPermissions, type GroupContextState } from "../index";

const [A, X, Y, Z] = ["a", "x", "y", "z"].map((c) => c.repeat(64)) as [
  string,
  string,
  string,
  string,
];

function ctx(members: string[], admins: string[], superAdmins: string[]): GroupContextState {
  return {
    metadata: { attributes: { group_name: "g" }, admins, superAdmins },
    membership: new Map(members.map((m) => [m, 1n])),
    permissions: presetPermissions("default"),
  };
}

const change = (
  committer: string,
  before: GroupContextState,
  after: GroupContextState,
  inboxesBefore: string[],
  inboxesAfter: string[],
) =>
  commitViolation({
    committerInboxId: committer,
    before,
    after,
    inboxesBefore: new Set(inboxesBefore),
    inboxesAfter: new Set(inboxesAfter),
  });

describe("role lists in the group policy", () => {
  // X (admin) lost its leaves; its entries are still listed.
  const afterXLostLeaves = ctx([A, X, Y, Z], [X], [A]);
  const withLeaves = [A, Y, Z];

  it("memberCannotMakeLeaflessAdminSuperAdminWhileDroppingIt", () => {
    const forged = ctx([A, Y, Z], [], [A, X]); // "drop X, make X super admin"
    expect(change(Y, afterXLostLeaves, forged, withLeaves, withLeaves)).toMatch(
      /only a super admin changes super admins/,
    );
  });

  it("memberCannotReAddAnInboxStillListedAsSuperAdmin", () => {
    const listed = ctx([A, Y, Z], [], [A, X]); // as if the step above had passed
    const reAdded = ctx([A, X, Y, Z], [], [A, X]);
    expect(change(Y, listed, reAdded, withLeaves, [...withLeaves, X])).toMatch(
      /only a super admin changes super admins/,
    );
  });

  it("memberCannotReAddAnInboxStillListedAsAdmin", () => {
    const reAdded = ctx([A, X, Y, Z], [X], [A]);
    expect(change(Y, afterXLostLeaves, reAdded, withLeaves, [...withLeaves, X])).toMatch(
      /add_admin needs super_admin/,
    );
  });

  it("memberCannotListALeaflessInboxAsAdmin", () => {
    const forged = ctx([A, Y, Z], [X], [A]);
    const before = ctx([A, X, Y, Z], [], [A]);
    expect(change(Y, before, forged, withLeaves, withLeaves)).toMatch(/add_admin needs/);
  });

  it("anyMemberMayDropTheEntriesOfAnInboxWithoutLeaves", () => {
    const tidied = ctx([A, Y, Z], [], [A]);
    expect(change(Y, afterXLostLeaves, tidied, withLeaves, withLeaves)).toBeUndefined();
  });

  it("anyMemberMayReAddAnInboxAfterDroppingItsRoles", () => {
    // What an honest client's add does before the tidy commit: roles dropped, X back as member.
    const reAdded = ctx([A, X, Y, Z], [], [A]);
    expect(change(Y, afterXLostLeaves, reAdded, withLeaves, [...withLeaves, X])).toBeUndefined();
  });

  it("memberCannotTakeRolesOrPermissionsFromMembersWithLeaves", () => {
    const all = [A, X, Y, Z];
    const before = ctx(all, [X], [A]);
    expect(change(Y, before, ctx(all, [], [A]), all, all)).toMatch(/remove_admin needs/);
    expect(change(X, before, ctx(all, [X], [A, Y]), all, all)).toMatch(
      /only a super admin changes super admins/,
    );
    const perms = ctx(all, [X], [A]);
    perms.permissions = { ...perms.permissions, remove_member: "allow" };
    expect(change(X, before, perms, all, all)).toMatch(/update_permissions needs super_admin/);
    expect(change(A, before, perms, all, all)).toBeUndefined();
  });
});

describe("the disappearing-message timer in the group policy", () => {
  const all = [A, X, Y];
  const before = ctx(all, [X], [A]);
  const withTimer = (inNs: string) => {
    const c = ctx(all, [X], [A]);
    c.metadata.attributes = {
      ...c.metadata.attributes,
      message_disappear_from_ns: "1",
      message_disappear_in_ns: inNs,
    };
    return c;
  };

  it("aMemberCannotSetTheTimerUnderTheDefaultPolicyAnAdminCan", () => {
    expect(change(Y, before, withTimer("3600000000000"), all, all)).toMatch(
      /update_message_disappearing needs admin, and y+ is a member/,
    );
    expect(change(X, before, withTimer("3600000000000"), all, all)).toBeUndefined();
    expect(change(A, withTimer("5"), withTimer("0"), all, all)).toBeUndefined();
  });

  it("aGroupThatAllowsEveryoneLetsAMemberSetIt", () => {
    const open = (c: GroupContextState) => {
      c.permissions = { ...c.permissions, update_message_disappearing: "allow" };
      return c;
    };
    expect(change(Y, open(ctx(all, [X], [A])), open(withTimer("300")), all, all)).toBeUndefined();
  });
});
