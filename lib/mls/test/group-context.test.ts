import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { GroupMembershipSchema } from "../../proto/mls/message_contents/group_membership_pb";
import { GROUP_MEMBERSHIP_EXTENSION_TYPE } from "../constants";
import { mutableExtensions } from "../group-context";
import {
  commitChanges,
  commitViolation,
  createGroup,
  createKeyPackage,
  decodeGroupState,
  encodeGroupState,
  inboxesOf,
  joinFromWelcome,
  mergeOwnCommit,
  presetPermissions,
  processMessage,
  readGroupContext,
  type GroupContextState,
  type GroupHandle,
  type InstallationSigner,
} from "../index";
import { Directory, newSigner } from "./helpers";

const roundTrip = (g: GroupHandle) => decodeGroupState(encodeGroupState(g));

async function threeMemberGroup() {
  const [a, b, c] = [newSigner(), newSigner(), newSigner()];
  const dir = new Directory().register(a, b, c);
  const context: GroupContextState = {
    metadata: { attributes: { group_name: "x" }, admins: [], superAdmins: [a.inboxId] },
    membership: new Map([[a.inboxId, 1n]]),
    permissions: presetPermissions("default"),
  };
  const created = await createGroup({
    signer: a,
    metadata: { conversationType: "group", creatorInboxId: a.inboxId },
    context,
  });
  const kps = await Promise.all([b, c].map((s) => createKeyPackage(s)));
  const next = readGroupContext(created.state.groupContext.extensions);
  next.membership.set(b.inboxId, 1n);
  next.membership.set(c.inboxId, 1n);
  const out = await commitChanges(
    created,
    { add: kps.map((k) => k.keyPackageBytes), context: next },
    dir.auth,
  );
  const join = (s: InstallationSigner, i: number) =>
    joinFromWelcome({
      welcome: out.welcome!,
      keyPackagePrivate: kps[i]!.privateBytes,
      keyPackageBytes: kps[i]!.keyPackageBytes,
      signer: s,
      auth: dir.auth,
    });
  return {
    a,
    b,
    c,
    dir,
    ga: roundTrip(mergeOwnCommit(created, out.pending)),
    gb: roundTrip(await join(b, 0)),
    gc: roundTrip(await join(c, 1)),
  };
}

describe("group context extensions and policy", () => {
  it("round-trips the mutable extensions through the group context", async () => {
    const { ga, gb, a, b, c } = await threeMemberGroup();
    const ctx = readGroupContext(gb.state.groupContext.extensions);
    expect(ctx.metadata.attributes.group_name).toBe("x");
    expect(ctx.metadata.superAdmins).toEqual([a.inboxId]);
    expect([...ctx.membership.keys()].sort()).toEqual([a.inboxId, b.inboxId, c.inboxId].sort());
    expect(ctx.permissions).toEqual(presetPermissions("default"));
    expect(readGroupContext(ga.state.groupContext.extensions)).toEqual(ctx);
  });

  it("every member applies an allowed change and rejects a non-admin's removal", async () => {
    const { ga, gb, gc, a, b, c, dir } = await threeMemberGroup();
    // b (a member) renames: allowed by the default policy.
    const renamed = readGroupContext(gb.state.groupContext.extensions);
    renamed.metadata.attributes.group_name = "y";
    const out = await commitChanges(gb, { context: renamed }, dir.auth);
    const ra = await processMessage(ga, out.commit, dir.auth);
    const rc = await processMessage(gc, out.commit, dir.auth);
    expect(ra.kind).toBe("commit");
    expect(rc.kind).toBe("commit");
    const [ga1, gc1, gb1] = [ra.group, rc.group, mergeOwnCommit(gb, out.pending)];
    expect(readGroupContext(ga1.state.groupContext.extensions).metadata.attributes.group_name).toBe(
      "y",
    );
    // b removes c: rejected by a and by c.
    const bad = await commitChanges(gb1, { remove: [c.publicKey] }, dir.auth);
    await expect(processMessage(ga1, bad.commit, dir.auth)).rejects.toThrow(
      /remove_member needs admin/,
    );
    await expect(processMessage(gc1, bad.commit, dir.auth)).rejects.toThrow(
      /remove_member needs admin/,
    );
    // a (super admin) may.
    const ok = await commitChanges(ga1, { remove: [c.publicKey] }, dir.auth);
    const rb = await processMessage(gb1, ok.commit, dir.auth);
    expect(rb.kind === "commit" && rb.removed.map((m) => m.inboxId)).toEqual([c.inboxId]);
    void a;
    void b;
  });

  it("names the rule a change breaks", async () => {
    const { gb, b, c } = await threeMemberGroup();
    const before = readGroupContext(gb.state.groupContext.extensions);
    const after = readGroupContext(gb.state.groupContext.extensions);
    after.metadata.admins.push(c.inboxId);
    expect(
      commitViolation({
        committerInboxId: b.inboxId,
        before,
        after,
        inboxesBefore: inboxesOf(gb.state.ratchetTree),
        inboxesAfter: inboxesOf(gb.state.ratchetTree),
      }),
    ).toMatch(/add_admin needs super_admin/);
    const inTree = inboxesOf(gb.state.ratchetTree);
    const withoutC = new Set([...inTree].filter((x) => x !== c.inboxId));
    expect(
      commitViolation({
        committerInboxId: b.inboxId,
        before,
        after: before,
        inboxesBefore: inTree,
        inboxesAfter: withoutC,
      }),
    ).toMatch(/remove_member needs admin/);
    const dropped = readGroupContext(gb.state.groupContext.extensions);
    dropped.membership.delete(c.inboxId);
    expect(
      commitViolation({
        committerInboxId: b.inboxId,
        before,
        after: dropped,
        inboxesBefore: inTree,
        inboxesAfter: inTree,
      }),
    ).toMatch(/holds leaves but is not in the membership extension/);
  });
});

describe("extension bytes of an unchanged membership", () => {
  // libxmtp compares extension bytes: a commit that does not change the membership must carry
  // the group's own membership bytes, whatever entry order they were written in.
  it("unchangedMembershipKeepsItsBytes: same entries in another order keep the old bytes; a changed entry does not", () => {
    const inboxes = ["c", "a", "b"].map((x) => x.repeat(64));
    const members = Object.fromEntries(inboxes.map((i) => [i, 1n])); // unsorted on the wire
    const state: GroupContextState = {
      metadata: { attributes: {}, admins: [], superAdmins: [inboxes[0]!] },
      membership: new Map(inboxes.map((i) => [i, 1n])),
      permissions: presetPermissions("default"),
    };
    const previous = mutableExtensions(state).map((e) =>
      e.extensionType === GROUP_MEMBERSHIP_EXTENSION_TYPE
        ? {
            ...e,
            extensionData: toBinary(
              GroupMembershipSchema,
              create(GroupMembershipSchema, { members }),
            ),
          }
        : e,
    );
    const membershipOf = (exts: ReturnType<typeof mutableExtensions>) =>
      exts.find((e) => e.extensionType === GROUP_MEMBERSHIP_EXTENSION_TYPE)!.extensionData;
    const reordered = { ...state, membership: new Map([...state.membership].reverse()) };
    expect(membershipOf(mutableExtensions(reordered, previous))).toEqual(membershipOf(previous));
    const changed = { ...state, membership: new Map([...state.membership, [inboxes[1]!, 2n]]) };
    expect(membershipOf(mutableExtensions(changed, previous))).not.toEqual(membershipOf(previous));
  });
});
