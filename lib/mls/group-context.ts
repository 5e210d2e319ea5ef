// Mutable group context extensions (PROTOCOL.md §2), raw protobuf in extension_data as
// libxmtp's UnknownExtension: mutable metadata 0xff00 (GroupMutableMetadataV1),
// membership 0xff01 (GroupMembership), permissions 0xff02 (GroupMutablePermissionsV1).

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { Extension } from "ts-mls";
import { GroupMembershipSchema } from "../proto/mls/message_contents/group_membership_pb";
import {
  AccountAddressesSchema,
  GroupMutableMetadataV1Schema,
} from "../proto/mls/message_contents/group_mutable_metadata_pb";
import {
  GroupMutablePermissionsV1Schema,
  MembershipPolicy_BasePolicy as MB,
  MembershipPolicySchema,
  MetadataPolicy_MetadataBasePolicy as DB,
  MetadataPolicySchema,
  PermissionsUpdatePolicy_PermissionsBasePolicy as PB,
  PermissionsUpdatePolicySchema,
  PolicySetSchema,
  type MembershipPolicy,
  type MetadataPolicy,
  type PermissionsUpdatePolicy,
} from "../proto/mls/message_contents/group_permissions_pb";
import {
  GROUP_MEMBERSHIP_EXTENSION_TYPE,
  GROUP_PERMISSIONS_EXTENSION_TYPE,
  MUTABLE_METADATA_EXTENSION_TYPE,
} from "./constants";
import { isInboxId } from "./credential";
import { DISAPPEAR_FIELDS, DISAPPEAR_IN_NS, validateDisappearing } from "./disappearing";
import { MlsError } from "./errors";

export const METADATA_FIELDS = {
  name: "group_name",
  description: "description",
  imageUrl: "group_image_url_square",
} as const;
export type MetadataField = (typeof METADATA_FIELDS)[keyof typeof METADATA_FIELDS];
export const METADATA_LIMITS: Record<MetadataField, number> = {
  group_name: 100,
  description: 1000,
  group_image_url_square: 2048,
};

export type Policy = "allow" | "deny" | "admin" | "super_admin";
export type PermissionAction =
  | "add_member"
  | "remove_member"
  | "update_group_name"
  | "update_description"
  | "update_image_url"
  | "update_message_disappearing"
  | "add_admin"
  | "remove_admin"
  | "update_permissions";
export type PermissionSet = Record<PermissionAction, Policy>;
export type PermissionPreset = "default" | "admins_only";

export const PERMISSION_ACTIONS: PermissionAction[] = [
  "add_member",
  "remove_member",
  "update_group_name",
  "update_description",
  "update_image_url",
  "update_message_disappearing",
  "add_admin",
  "remove_admin",
  "update_permissions",
];
const FIELD_ACTION: Record<MetadataField, PermissionAction> = {
  group_name: "update_group_name",
  description: "update_description",
  group_image_url_square: "update_image_url",
};
export function actionForField(field: MetadataField): PermissionAction {
  return FIELD_ACTION[field];
}

export function presetPermissions(preset: PermissionPreset): PermissionSet {
  if (preset === "admins_only") {
    return {
      add_member: "admin",
      remove_member: "admin",
      update_group_name: "admin",
      update_description: "admin",
      update_image_url: "admin",
      update_message_disappearing: "admin",
      add_admin: "super_admin",
      remove_admin: "super_admin",
      update_permissions: "super_admin",
    };
  }
  return {
    add_member: "allow",
    remove_member: "admin",
    update_group_name: "allow",
    update_description: "allow",
    update_image_url: "allow",
    // libxmtp's default_policy: the timer is for admins even where everyone renames.
    update_message_disappearing: "admin",
    add_admin: "super_admin",
    remove_admin: "super_admin",
    update_permissions: "super_admin",
  };
}

/**
 * A DM's policies as libxmtp writes them (PolicySet::new_dm): nobody adds or removes
 * inboxes or changes admins or policies; either member edits the metadata fields.
 */
export function dmPermissions(): PermissionSet {
  return {
    add_member: "deny",
    remove_member: "deny",
    update_group_name: "allow",
    update_description: "allow",
    update_image_url: "allow",
    update_message_disappearing: "allow",
    add_admin: "deny",
    remove_admin: "deny",
    update_permissions: "deny",
  };
}

/** A DM's metadata at creation, as libxmtp's new_dm_default: empty fields, no admins. */
export function dmMetadata(): MutableMetadata {
  return {
    attributes: {
      [METADATA_FIELDS.name]: "",
      [METADATA_FIELDS.description]: "",
      [METADATA_FIELDS.imageUrl]: "",
    },
    admins: [],
    superAdmins: [],
  };
}

export interface MutableMetadata {
  attributes: Record<string, string>;
  admins: string[];
  superAdmins: string[];
}

/** What the mutable extensions of one epoch say. */
export interface GroupContextState {
  metadata: MutableMetadata;
  /** inbox ID → identity log sequence id the members' installations were taken from. */
  membership: Map<string, bigint>;
  permissions: PermissionSet;
}

export function validateMutableMetadata(
  m: MutableMetadata,
  code: "invalid_argument" | "invalid_metadata",
): void {
  for (const [field, limit] of Object.entries(METADATA_LIMITS)) {
    const v = m.attributes[field];
    if (v !== undefined && [...v].length > limit)
      throw new MlsError(code, `${field} is ${[...v].length} characters, at most ${limit}`);
  }
  for (const id of [...m.admins, ...m.superAdmins])
    if (!isInboxId(id)) throw new MlsError(code, `admin list holds "${id}", not an inbox ID`);
  // Another app's unparsable timer reads as off (disappearing.ts); only our writes are held to it.
  if (code === "invalid_argument") validateDisappearing(m.attributes, code);
}

// --- policy <-> proto ---
const memberToProto: Record<Policy, MB> = {
  allow: MB.ALLOW,
  deny: MB.DENY,
  admin: MB.ALLOW_IF_ADMIN_OR_SUPER_ADMIN,
  super_admin: MB.ALLOW_IF_SUPER_ADMIN,
};
const metaToProto: Record<Policy, DB> = {
  allow: DB.ALLOW,
  deny: DB.DENY,
  admin: DB.ALLOW_IF_ADMIN,
  super_admin: DB.ALLOW_IF_SUPER_ADMIN,
};
/**
 * Admin and permission changes (xmtp/proto PermissionsUpdatePolicy: DENY 1, ADMIN 2,
 * SUPER_ADMIN 3, no ALLOW). Before issue 15 part 2 ours numbered them ALLOW 1 .. SUPER_ADMIN
 * 4, and the admin policies were MetadataPolicy: a stored group's 4 still reads as super
 * admin (every preset used it; 1-3 cannot be told apart and read as XMTP's).
 */
const permToProto: Partial<Record<Policy, PB>> = {
  deny: PB.DENY,
  admin: PB.ALLOW_IF_ADMIN,
  super_admin: PB.ALLOW_IF_SUPER_ADMIN,
};
const LEGACY_SUPER_ADMIN = 4;
function fromTable<T>(
  table: Partial<Record<Policy, T>>,
  value: T | undefined,
  what: string,
): Policy {
  const found = (Object.keys(table) as Policy[]).find((k) => table[k] === value);
  if (found !== undefined) return found;
  if (table === permToProto && (value as number | undefined) === LEGACY_SUPER_ADMIN)
    return "super_admin";
  throw new MlsError("invalid_metadata", `${what}: only base policies are supported`);
}
function permissionsPolicy(x: Policy, what: string): PB {
  const value = permToProto[x];
  if (value === undefined)
    throw new MlsError(
      "invalid_argument",
      `${what} cannot be "${x}": XMTP lets only admins or super admins change admins and policies, or nobody ("deny")`,
    );
  return value;
}
const basePolicy = <T>(p: { kind: { case: string | undefined; value?: unknown } } | undefined) =>
  p?.kind.case === "base" ? (p.kind.value as T) : undefined;

export function isPolicy(v: unknown): v is Policy {
  return v === "allow" || v === "deny" || v === "admin" || v === "super_admin";
}

function ext(type: number, data: Uint8Array): Extension {
  return { extensionType: type, extensionData: data };
}

/**
 * The three mutable extensions for state `s`. With `previous` (the group context's current
 * extensions), what `s` leaves as it was keeps its bytes, and the permission policies we do
 * not model (libxmtp's `app_data`, disappearing-message fields, …) are carried over: a
 * rename must not read to libxmtp as a change of permissions, which only super admins may make.
 */
export function mutableExtensions(s: GroupContextState, previous?: Extension[]): Extension[] {
  validateMutableMetadata(s.metadata, "invalid_argument");
  const meta = create(GroupMutableMetadataV1Schema, {
    attributes: s.metadata.attributes,
    adminList: create(AccountAddressesSchema, { accountAddresses: s.metadata.admins }),
    superAdminList: create(AccountAddressesSchema, { accountAddresses: s.metadata.superAdmins }),
  });
  const members: Record<string, bigint> = {};
  for (const [k, v] of [...s.membership].sort(([a], [b]) => (a < b ? -1 : 1))) members[k] = v;
  const membership = create(GroupMembershipSchema, { members });
  const p = s.permissions;
  const mp = (x: Policy): MembershipPolicy =>
    create(MembershipPolicySchema, { kind: { case: "base", value: memberToProto[x] } });
  const dp = (x: Policy): MetadataPolicy =>
    create(MetadataPolicySchema, { kind: { case: "base", value: metaToProto[x] } });
  const pp = (x: Policy, what: string): PermissionsUpdatePolicy =>
    create(PermissionsUpdatePolicySchema, {
      kind: { case: "base", value: permissionsPolicy(x, what) },
    });
  const before = previous ? previousState(previous) : undefined;
  const perms = create(GroupMutablePermissionsV1Schema, {
    policies: create(PolicySetSchema, {
      ...before?.policies,
      addMemberPolicy: mp(p.add_member),
      removeMemberPolicy: mp(p.remove_member),
      updateMetadataPolicy: {
        ...before?.policies?.updateMetadataPolicy,
        group_name: dp(p.update_group_name),
        description: dp(p.update_description),
        group_image_url_square: dp(p.update_image_url),
        // One policy for both fields, as libxmtp writes them.
        ...Object.fromEntries(DISAPPEAR_FIELDS.map((f) => [f, dp(p.update_message_disappearing)])),
      },
      addAdminPolicy: pp(p.add_admin, "add_admin"),
      removeAdminPolicy: pp(p.remove_admin, "remove_admin"),
      updatePermissionsPolicy: pp(p.update_permissions, "update_permissions"),
    }),
  });
  const fresh = [
    ext(MUTABLE_METADATA_EXTENSION_TYPE, toBinary(GroupMutableMetadataV1Schema, meta)),
    ext(GROUP_MEMBERSHIP_EXTENSION_TYPE, toBinary(GroupMembershipSchema, membership)),
    ext(GROUP_PERMISSIONS_EXTENSION_TYPE, toBinary(GroupMutablePermissionsV1Schema, perms)),
  ];
  if (!before) return fresh;
  // Unchanged parts keep their bytes (a map's entry order is the encoder's choice).
  const same = {
    [MUTABLE_METADATA_EXTENSION_TYPE]: sameJson(before.state.metadata, s.metadata),
    [GROUP_MEMBERSHIP_EXTENSION_TYPE]: sameEntries(before.state.membership, s.membership),
    [GROUP_PERMISSIONS_EXTENSION_TYPE]: sameJson(before.state.permissions, s.permissions),
  };
  return fresh.map((e) => {
    const old = previous!.find((x) => x.extensionType === e.extensionType);
    return old && same[e.extensionType as keyof typeof same] ? old : e;
  });
}

function previousState(previous: Extension[]) {
  if (!hasMutableExtensions(previous)) return undefined;
  return {
    state: readGroupContext(previous),
    policies: fromBinary(
      GroupMutablePermissionsV1Schema,
      one(previous, GROUP_PERMISSIONS_EXTENSION_TYPE, "permissions (0xff02)"),
    ).policies,
  };
}

// Compared entry by entry: sorting and printing N entries cost most of a commit's extension
// update at N=500.
function sameEntries<K, V>(a: Map<K, V>, b: Map<K, V>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

const sameJson = (a: unknown, b: unknown) =>
  JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ===
  JSON.stringify(b, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

function one(extensions: Extension[], type: number, name: string): Uint8Array {
  const found = extensions.filter((e) => e.extensionType === type);
  if (found.length !== 1 || found[0] === undefined)
    throw new MlsError(
      "invalid_metadata",
      `group context has ${found.length} ${name} extensions, expected 1`,
    );
  return found[0].extensionData;
}

export function hasMutableExtensions(extensions: Extension[]): boolean {
  return extensions.some((e) => e.extensionType === MUTABLE_METADATA_EXTENSION_TYPE);
}

/** Reads the three extensions; throws MlsError("invalid_metadata") naming what is wrong. */
export function readGroupContext(extensions: Extension[]): GroupContextState {
  let meta, membership, perms;
  try {
    meta = fromBinary(
      GroupMutableMetadataV1Schema,
      one(extensions, MUTABLE_METADATA_EXTENSION_TYPE, "mutable metadata (0xff00)"),
    );
    membership = fromBinary(
      GroupMembershipSchema,
      one(extensions, GROUP_MEMBERSHIP_EXTENSION_TYPE, "membership (0xff01)"),
    );
    perms = fromBinary(
      GroupMutablePermissionsV1Schema,
      one(extensions, GROUP_PERMISSIONS_EXTENSION_TYPE, "permissions (0xff02)"),
    );
  } catch (err) {
    if (err instanceof MlsError) throw err;
    throw new MlsError(
      "invalid_metadata",
      `group context extension is not valid protobuf: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const ps = perms.policies;
  const meta2 = (f: string) =>
    fromTable(metaToProto, basePolicy<DB>(ps?.updateMetadataPolicy[f]), `${f} policy`);
  const state: GroupContextState = {
    metadata: {
      attributes: { ...meta.attributes },
      admins: meta.adminList?.accountAddresses ?? [],
      superAdmins: meta.superAdminList?.accountAddresses ?? [],
    },
    membership: new Map(Object.entries(membership.members)),
    permissions: {
      add_member: fromTable(
        memberToProto,
        basePolicy<MB>(ps?.addMemberPolicy),
        "add member policy",
      ),
      remove_member: fromTable(
        memberToProto,
        basePolicy<MB>(ps?.removeMemberPolicy),
        "remove member policy",
      ),
      update_group_name: meta2("group_name"),
      update_description: meta2("description"),
      update_image_url: meta2("group_image_url_square"),
      // A group without the entry (made before it existed) is admins-only, as libxmtp
      // evaluates a field with no policy.
      update_message_disappearing:
        ps?.updateMetadataPolicy[DISAPPEAR_IN_NS] === undefined ? "admin" : meta2(DISAPPEAR_IN_NS),
      add_admin: fromTable(permToProto, basePolicy<PB>(ps?.addAdminPolicy), "add admin policy"),
      remove_admin: fromTable(
        permToProto,
        basePolicy<PB>(ps?.removeAdminPolicy),
        "remove admin policy",
      ),
      update_permissions: fromTable(
        permToProto,
        basePolicy<PB>(ps?.updatePermissionsPolicy),
        "update permissions policy",
      ),
    },
  };
  validateMutableMetadata(state.metadata, "invalid_metadata");
  return state;
}

export type Role = "member" | "admin" | "super_admin";

export function roleOf(s: GroupContextState, inboxId: string): Role {
  if (s.metadata.superAdmins.includes(inboxId)) return "super_admin";
  if (s.metadata.admins.includes(inboxId)) return "admin";
  return "member";
}

export function allows(policy: Policy, role: Role): boolean {
  switch (policy) {
    case "allow":
      return true;
    case "deny":
      return false;
    case "admin":
      return role !== "member";
    case "super_admin":
      return role === "super_admin";
  }
}
