// The permissions extension (0xff02) in xmtp/proto's numbers: libxmtp reads our groups'
// policies and we read theirs (issue 15 part 2).
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { GROUP_PERMISSIONS_EXTENSION_TYPE, presetPermissions, readGroupContext } from "../index";
import { dmMetadata, dmPermissions, mutableExtensions } from "../group-context";
import {
  GroupMutablePermissionsV1Schema,
  MetadataPolicySchema,
  PermissionsUpdatePolicySchema,
  type PermissionsUpdatePolicy_PermissionsBasePolicy,
} from "../../proto/mls/message_contents/group_permissions_pb";

const context = (permissions = presetPermissions("default")) => ({
  metadata: dmMetadata(),
  membership: new Map([["a".repeat(64), 1n]]),
  permissions,
});
const permissionsOf = (exts: ReturnType<typeof mutableExtensions>) =>
  fromBinary(
    GroupMutablePermissionsV1Schema,
    exts.find((e) => e.extensionType === GROUP_PERMISSIONS_EXTENSION_TYPE)!.extensionData,
  ).policies!;
const base = (p: { kind: { case: string | undefined; value?: unknown } } | undefined) =>
  p?.kind.case === "base" ? p.kind.value : undefined;

describe("permissions extension bytes", () => {
  it("adminAndPermissionPoliciesUseXmtpNumbers", () => {
    const ps = permissionsOf(mutableExtensions(context()));
    // xmtp/proto PermissionsUpdatePolicy: DENY 1, ALLOW_IF_ADMIN 2, ALLOW_IF_SUPER_ADMIN 3.
    expect([ps.addAdminPolicy, ps.removeAdminPolicy, ps.updatePermissionsPolicy].map(base)).toEqual(
      [3, 3, 3],
    );
    const dm = permissionsOf(mutableExtensions(context(dmPermissions())));
    expect([dm.addAdminPolicy, dm.removeAdminPolicy, dm.updatePermissionsPolicy].map(base)).toEqual(
      [1, 1, 1],
    );
    // MembershipPolicy: ALLOW 1, DENY 2, ADMIN_OR_SUPER_ADMIN 3 (a DM denies adds).
    expect(base(dm.addMemberPolicy)).toBe(2);
    expect(readGroupContext(mutableExtensions(context(dmPermissions()))).permissions).toEqual(
      dmPermissions(),
    );
  });

  it("allowForAdminChangesIsRefusedByName", () => {
    expect(() =>
      mutableExtensions(context({ ...presetPermissions("default"), update_permissions: "allow" })),
    ).toThrow(/update_permissions cannot be "allow"/);
  });

  it("aStoredGroupsOldSuperAdminNumberStillReadsAsSuperAdmin", () => {
    const exts = mutableExtensions(context());
    const perms = exts.find((e) => e.extensionType === GROUP_PERMISSIONS_EXTENSION_TYPE)!;
    const proto = fromBinary(GroupMutablePermissionsV1Schema, perms.extensionData);
    proto.policies!.updatePermissionsPolicy = create(PermissionsUpdatePolicySchema, {
      kind: { case: "base", value: 4 as PermissionsUpdatePolicy_PermissionsBasePolicy },
    });
    perms.extensionData = toBinary(GroupMutablePermissionsV1Schema, proto);
    expect(readGroupContext(exts).permissions.update_permissions).toBe("super_admin");
  });

  it("aRenameKeepsPoliciesWeDoNotModelAndTheUnchangedExtensionsBytes", () => {
    // A libxmtp group's policy map holds more fields than we model (app_data, …).
    const theirs = mutableExtensions(context());
    const perms = fromBinary(
      GroupMutablePermissionsV1Schema,
      theirs.find((e) => e.extensionType === GROUP_PERMISSIONS_EXTENSION_TYPE)!.extensionData,
    );
    perms.policies!.updateMetadataPolicy["app_data"] = create(MetadataPolicySchema, {
      kind: { case: "base", value: 4 },
    });
    const withAppData = theirs.map((e) =>
      e.extensionType === GROUP_PERMISSIONS_EXTENSION_TYPE
        ? { ...e, extensionData: toBinary(GroupMutablePermissionsV1Schema, perms) }
        : e,
    );
    const state = readGroupContext(withAppData);
    const renamed = {
      ...state,
      metadata: {
        ...state.metadata,
        attributes: { ...state.metadata.attributes, group_name: "new" },
      },
    };
    const after = mutableExtensions(renamed, withAppData);
    const permsExt = (x: typeof after) =>
      x.find((e) => e.extensionType === GROUP_PERMISSIONS_EXTENSION_TYPE)!.extensionData;
    // Permissions did not change: the very bytes stay, app_data included.
    expect(permsExt(after)).toEqual(permsExt(withAppData));
    expect(readGroupContext(after).metadata.attributes.group_name).toBe("new");
    // A permissions change keeps the fields we do not model.
    const stricter = mutableExtensions(
      { ...renamed, permissions: { ...state.permissions, update_group_name: "admin" } },
      withAppData,
    );
    expect(Object.keys(permissionsOf(stricter).updateMetadataPolicy).sort()).toContain("app_data");
    expect(readGroupContext(stricter).permissions.update_group_name).toBe("admin");
  });

  it("disappearingTimerPolicyIsLibxmtpsTwoMetadataEntries", () => {
    // libxmtp's default_policy: both fields METADATA_BASE_POLICY_ALLOW_IF_ADMIN (3); a DM's
    // dm_map: ALLOW (1).
    const ps = permissionsOf(mutableExtensions(context()));
    expect(base(ps.updateMetadataPolicy["message_disappear_from_ns"])).toBe(3);
    expect(base(ps.updateMetadataPolicy["message_disappear_in_ns"])).toBe(3);
    const dm = permissionsOf(mutableExtensions(context(dmPermissions())));
    expect(base(dm.updateMetadataPolicy["message_disappear_in_ns"])).toBe(1);
    // A group made before the entry existed reads as libxmtp evaluates a field with no
    // policy: admins only.
    const exts = mutableExtensions(context(dmPermissions()));
    const perms = exts.find((e) => e.extensionType === GROUP_PERMISSIONS_EXTENSION_TYPE)!;
    const proto = fromBinary(GroupMutablePermissionsV1Schema, perms.extensionData);
    delete proto.policies!.updateMetadataPolicy["message_disappear_from_ns"];
    delete proto.policies!.updateMetadataPolicy["message_disappear_in_ns"];
    perms.extensionData = toBinary(GroupMutablePermissionsV1Schema, proto);
    expect(readGroupContext(exts).permissions.update_message_disappearing).toBe("admin");
  });
});
