// A group conversation: a Conversation whose kind is "group", with membership, metadata,
// roles and permissions read from the group's MLS context and changed by commits.
import {
  epochAuthenticator,
  isActive,
  inboxesOf,
  isPolicy,
  MAX_GROUP_SIZE,
  METADATA_FIELDS,
  PERMISSION_ACTIONS,
  roleOf,
  type GroupContextState,
  type GroupHandle,
  type PermissionAction,
  type PermissionSet,
  type Policy,
  type Role,
} from "../../mls";
import { toHex } from "../../crypto";
import { ContentTypeLeaveRequest } from "../../content";
import type { ConsentState, ConversationPrefRow, ConversationRow } from "../../storage";
import type { ClientContext } from "../context";
import { Conversation } from "../conversations/conversation";
import { abilitiesOf, type Ability, type GroupAbility } from "./abilities";
import { ClientError } from "../errors";
import { runGroupChange } from "./commit";
import { contextOf, resolveInboxes } from "./plans";
import type { GroupChange } from "./change";
import { requireGroup } from "./state";
import type { ReceiveLog } from "../types";

export interface GroupMember {
  inboxId: string;
  addresses: string[];
  role: Role;
}

export interface GroupInfo {
  name: string;
  description: string;
  imageUrl: string;
}

export interface GroupDetails extends GroupInfo {
  members: GroupMember[];
  permissions: PermissionSet;
  myRole: Role;
  /** False once this installation was removed. */
  active: boolean;
  epoch: bigint;
  maxMembers: number;
  can: Record<GroupAbility, Ability>;
}

function infoOf(c: GroupContextState): GroupInfo {
  const a = c.metadata.attributes;
  return {
    name: a[METADATA_FIELDS.name] ?? "",
    description: a[METADATA_FIELDS.description] ?? "",
    imageUrl: a[METADATA_FIELDS.imageUrl] ?? "",
  };
}

export class Group extends Conversation {
  constructor(
    ctx: ClientContext,
    row: ConversationRow,
    private readonly log?: ReceiveLog,
    consent?: ConsentState,
    prefs?: ConversationPrefRow,
  ) {
    super(ctx, row, consent, prefs);
  }

  private async context(): Promise<GroupContextState> {
    return contextOf(await requireGroup(this.ctx, this.id));
  }

  private change(change: GroupChange) {
    return runGroupChange(this.ctx, this.id, change, this.log);
  }

  /** Name, description and image URL of the current epoch ("" when unset). */
  async info(): Promise<GroupInfo> {
    return infoOf(await this.context());
  }

  async members(): Promise<GroupMember[]> {
    return this.membersOf(await requireGroup(this.ctx, this.id));
  }

  /**
   * Inboxes that hold leaves (a removal's bookkeeping commit may still list one that does
   * not; a removed member's last state lists everyone). Super admins, then admins, then
   * members; in each, by address.
   */
  private async membersOf(g: GroupHandle): Promise<GroupMember[]> {
    const c = contextOf(g);
    const inTree = inboxesOf(g.state.ratchetTree);
    const members = await Promise.all(
      [...c.membership.keys()]
        .filter((id) => inTree.has(id))
        .map(async (inboxId) => {
          const state = await this.ctx.resolver.state(inboxId).catch(() => undefined);
          return {
            inboxId,
            addresses: state ? [...state.addresses.keys()] : [],
            role: roleOf(c, inboxId),
          };
        }),
    );
    const rank = { super_admin: 0, admin: 1, member: 2 } as const;
    return members.sort(
      (a, b) =>
        rank[a.role] - rank[b.role] ||
        (a.addresses[0] ?? a.inboxId).localeCompare(b.addresses[0] ?? b.inboxId),
    );
  }

  /**
   * Everything a group's info screen shows, from one read of the group state: info,
   * members with roles, the policy, and what this member may do now.
   */
  async details(): Promise<GroupDetails> {
    const g = await requireGroup(this.ctx, this.id);
    const c = contextOf(g);
    const self = this.ctx.installation.inboxId;
    const active = isActive(g);
    const myRole = roleOf(c, self);
    return {
      ...infoOf(c),
      members: await this.membersOf(g),
      permissions: c.permissions,
      myRole,
      active,
      epoch: g.epoch,
      maxMembers: this.ctx.maxGroupSize ?? MAX_GROUP_SIZE,
      can: abilitiesOf(c, self, myRole, active),
    };
  }

  async permissions(): Promise<PermissionSet> {
    return (await this.context()).permissions;
  }

  /** The MLS epoch and its authenticator (equal for all members at one epoch). */
  async epoch(): Promise<{ epoch: bigint; authenticator: string }> {
    const g = await requireGroup(this.ctx, this.id);
    return { epoch: g.epoch, authenticator: toHex(epochAuthenticator(g)) };
  }

  /** False once this installation was removed from the group. */
  async isActive(): Promise<boolean> {
    return isActive(await requireGroup(this.ctx, this.id));
  }

  /** Adds every current installation of each inbox; resolves once the commit won its epoch. */
  async addMembers(addressesOrInboxIds: string[]): Promise<void> {
    const inboxes = await resolveInboxes(this.ctx, addressesOrInboxIds);
    await this.change({ op: "add", inboxes });
  }

  async removeMembers(addressesOrInboxIds: string[]): Promise<void> {
    const inboxes = await resolveInboxes(this.ctx, addressesOrInboxIds);
    await this.change({ op: "remove", inboxes });
  }

  /**
   * Asks to leave: sends a leave_request; the members allowed to remove (admins by
   * default) commit the removal when they receive it, after which this installation
   * can no longer read the group (isActive() turns false on the next sync).
   */
  async leave(): Promise<void> {
    const g = await requireGroup(this.ctx, this.id);
    const self = this.ctx.installation.inboxId;
    const c = contextOf(g);
    if (!isActive(g)) throw new ClientError("not_a_member", "you are no longer in this group");
    if (abilitiesOf(c, self, roleOf(c, self), true).leave.allowed === false)
      throw new ClientError(
        "not_allowed",
        "you are this group's only super admin: make another member super admin before leaving",
      );
    await this.send({}, ContentTypeLeaveRequest);
  }

  updateName(name: string): Promise<void> {
    return this.updateField(METADATA_FIELDS.name, name);
  }
  updateDescription(description: string): Promise<void> {
    return this.updateField(METADATA_FIELDS.description, description);
  }
  updateImageUrl(imageUrl: string): Promise<void> {
    return this.updateField(METADATA_FIELDS.imageUrl, imageUrl);
  }

  private updateField(field: string, value: string): Promise<void> {
    if (typeof value !== "string")
      throw new ClientError("invalid_argument", `${field} must be a string`);
    return this.change({ op: "set_attribute", field, value });
  }

  addAdmin(inboxId: string): Promise<void> {
    return this.change({ op: "add_admin", inboxId });
  }
  removeAdmin(inboxId: string): Promise<void> {
    return this.change({ op: "remove_admin", inboxId });
  }
  addSuperAdmin(inboxId: string): Promise<void> {
    return this.change({ op: "add_super_admin", inboxId });
  }
  removeSuperAdmin(inboxId: string): Promise<void> {
    return this.change({ op: "remove_super_admin", inboxId });
  }

  updatePermission(action: PermissionAction, policy: Policy): Promise<void> {
    if (!PERMISSION_ACTIONS.includes(action))
      throw new ClientError("invalid_argument", `unknown permission action "${String(action)}"`);
    if (!isPolicy(policy))
      throw new ClientError("invalid_argument", `policy must be allow, deny, admin or super_admin`);
    return this.change({ op: "set_permission", action, policy });
  }
}
