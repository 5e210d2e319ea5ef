// Invite links for groups (issue 17 item 4), the library's surface (`client.invites`).
// An admin makes a signed link naming the group's admins; whoever opens it checks it and
// sends it to each of them in a DM (join_request); their devices check it again and the
// first to claim it in the group adds the sender or replies with a typed refusal
// (answer.ts, ledger.ts), so a link works while its maker is offline. The node sees
// neither link nor group name: the token travels in the URL fragment, then inside the
// MLS-encrypted DMs.
import {
  ContentTypeInviteControl,
  ContentTypeJoinReply,
  ContentTypeJoinRequest,
  contentTypeToString,
  type InviteControlContent,
  type JoinRefusal,
  type JoinReplyContent,
  type SyncedInvite,
} from "../../content";
import {
  getConversation,
  loadInvites,
  loadJoins,
  mergeInvites,
  saveJoin,
  type InviteRow,
} from "../../storage";
import { allows } from "../../mls";
import { randomBytes, toHex } from "../../crypto";
import type { ClientContext } from "../context";
import type { Conversations } from "../conversations/conversations";
import { ClientError } from "../errors";
import type { DecodedMessage, ReceiveLog } from "../types";
import { answerJoinRequest } from "./answer";
import { foldLedger, readLedger } from "./ledger";
import { linkOf, recordUpdate, syncedOf, updateOf, type InviteLink } from "./records";
import { openInvite, signInvite, tokenOfLink, type Invite } from "./token";

const JOIN_REQUEST = contentTypeToString(ContentTypeJoinRequest);
const JOIN_REPLY = contentTypeToString(ContentTypeJoinReply);
const INVITE_CONTROL = contentTypeToString(ContentTypeInviteControl);
const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/** What the joiner is told about a link before asking. */
export interface InvitePreview extends Invite {
  /** The inviter's first address from their verified identity log. */
  inviterAddress: string;
  /** This inbox is already in the group (opening it is enough). */
  alreadyMember: boolean;
}

export type JoinStatus =
  | { state: "not_requested" }
  | { state: "waiting" }
  | { state: "joined"; conversationId: string }
  | { state: "refused"; reason: JoinRefusal; message: string };

/** A sentence for each refusal the inviter's device can send. */
export const REFUSAL_TEXT: Record<JoinRefusal, string> = {
  expired: "This invite has expired: ask for a new link.",
  revoked: "This invite was revoked by the person who made it.",
  used_up: "This invite has been used as many times as it allows.",
  invalid: "This invite link is not valid.",
  no_longer_valid:
    "This invite no longer works: the group is gone or its maker can no longer add people.",
};

export interface CreateInviteOptions {
  /** How long the link works, in ms (default 7 days). */
  expiresInMs?: number;
  /** How many people it may bring in (default 0 = no limit). */
  maxUses?: number;
  /** Put the group's name in the link, for whoever holds it to see (default false). */
  includeName?: boolean;
}

export class Invites {
  /** Join requests are answered one at a time, so uses are counted against each other. */
  private answering: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: ClientContext,
    private readonly conversations: Conversations,
    private readonly share: (invites: SyncedInvite[]) => Promise<void>,
    private readonly log?: ReceiveLog,
  ) {
    ctx.bus.subscribe((m) => {
      if (m.senderInboxId === ctx.installation.inboxId || m.status !== "published") return;
      if (![JOIN_REQUEST, JOIN_REPLY, INVITE_CONTROL].includes(m.contentType)) return;
      // Out of the receive path (which holds the group's lock) first.
      setTimeout(() => this.onMessage(m), 0);
    });
  }

  private onMessage(m: DecodedMessage): void {
    if (m.contentType === INVITE_CONTROL) {
      void this.onControl(m).catch((err: unknown) =>
        this.log?.("invite_control_failed", { error: (err as Error).message }),
      );
      return;
    }
    if (m.contentType === JOIN_REPLY) {
      void this.onReply(m).catch((err: unknown) =>
        this.log?.("join_reply_failed", { error: (err as Error).message }),
      );
      return;
    }
    this.answering = this.answering
      .then(() =>
        answerJoinRequest(
          this.ctx,
          this.conversations,
          m,
          (rows) => this.shareRows(rows),
          this.log,
        ),
      )
      .catch((err: unknown) =>
        this.log?.("join_request_failed", { error: (err as Error).message }),
      );
  }

  private shareRows(rows: InviteRow[]): Promise<void> {
    return this.share(rows.map(syncedOf));
  }

  /**
   * A new invite link to a group where this member is an admin or super admin. Returns the
   * link's record; the URL is `${origin}/invite#${token}`.
   */
  async create(groupId: string, opts: CreateInviteOptions = {}): Promise<InviteLink> {
    const group = await this.conversations.getGroup(groupId);
    if (!group) throw new ClientError("conversation_not_found", `no group ${String(groupId)} here`);
    const details = await group.details();
    if (!details.active) throw new ClientError("not_a_member", "you are no longer in this group");
    if (details.myRole === "member" || !details.can.add_member.allowed)
      throw new ClientError(
        "not_allowed",
        "only the group's admins (who may add people) can make invite links",
      );
    const expiresInMs = opts.expiresInMs ?? 7 * 24 * 3600_000;
    if (typeof expiresInMs !== "number" || !Number.isFinite(expiresInMs) || expiresInMs <= 0)
      throw new ClientError("invalid_argument", "expiresInMs must be a positive number of ms");
    // Whom the joiner will ask besides us: the admins who may add people today, super
    // admins first. Admins named later are not asked; one named who loses the right stays
    // silent, so the link works while any one of them can still add.
    const admins = details.members
      .filter((x) => x.role !== "member" && allows(details.permissions.add_member, x.role))
      .map((x) => x.inboxId);
    const { token, invite } = signInvite(this.ctx.installation, {
      groupId,
      admins,
      expiresAt: new Date(Date.now() + expiresInMs),
      ...(opts.maxUses !== undefined ? { maxUses: opts.maxUses } : {}),
      ...(opts.includeName && details.name ? { groupName: details.name } : {}),
    });
    const changed = await mergeInvites(this.ctx.db, [
      {
        token,
        inviteId: invite.inviteId,
        groupId,
        createdAtNs: BigInt(invite.createdAt.getTime()) * 1_000_000n,
        expiresAtNs: BigInt(invite.expiresAt.getTime()) * 1_000_000n,
        maxUses: invite.maxUses,
        usedBy: {},
      },
    ]);
    await this.shareRows(changed).catch((err: unknown) =>
      this.log?.("invite_share_failed", { error: (err as Error).message }),
    );
    return linkOf(changed[0]!);
  }

  /** This inbox's links to a group (made on any of its devices), newest first. */
  async list(groupId: string): Promise<InviteLink[]> {
    const now = Date.now();
    return Object.values(await loadInvites(this.ctx.db))
      .filter((r) => r.groupId === groupId)
      .map((r) => linkOf(r, now))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  /**
   * Revokes a link: on every device of this inbox (SYNC group) and, told in the group, for
   * every admin the link names: requests claimed after it are refused.
   */
  async revoke(inviteId: string): Promise<void> {
    const row = (await loadInvites(this.ctx.db))[inviteId];
    if (!row)
      throw new ClientError("invalid_argument", `no invite ${String(inviteId)} was made here`);
    const changed = await mergeInvites(this.ctx.db, [
      recordUpdate(row, undefined, undefined, nowNs()),
    ]);
    await this.shareRows(changed);
    const group = await this.conversations.getGroup(row.groupId);
    const details = await group?.details();
    // No longer an admin: the other admins refuse the link anyway (its maker cannot add).
    if (group && details?.active && details.myRole !== "member")
      await group.send({ action: "revoke", inviteId }, ContentTypeInviteControl);
  }

  /** Invites another device of this inbox made, revoked or saw used. */
  async merge(synced: SyncedInvite[]): Promise<void> {
    const self = this.ctx.installation.inboxId;
    const updates = synced.map((s) => updateOf(s, self)).filter((u) => u !== undefined);
    await mergeInvites(this.ctx.db, updates);
  }

  /** Everything this device knows, for a new device of the inbox. */
  async snapshot(): Promise<SyncedInvite[]> {
    return Object.values(await loadInvites(this.ctx.db)).map(syncedOf);
  }

  /**
   * Checks a link (a URL with #token, or the token): form, signature by a device the
   * inviter's verified identity log holds, expiry. Throws ClientError invalid_invite or
   * invite_expired with a sentence for the person.
   */
  async inspect(link: string): Promise<InvitePreview> {
    const invite = openInvite(link);
    const state = await this.ctx.resolver.state(invite.inviterInboxId);
    if (!state)
      throw new ClientError(
        "invalid_invite",
        "This invite link is not valid: its maker has no inbox",
      );
    if (!state.installations.has(invite.inviterInstallation))
      throw new ClientError(
        "invalid_invite",
        "This invite link is not valid: the device that made it is not (or no longer) one of its maker's",
      );
    const row = await getConversation(this.ctx.db, invite.groupId);
    const group = row?.kind === "group" ? await this.conversations.getGroup(row.id) : undefined;
    return {
      ...invite,
      inviterAddress: [...state.addresses.keys()][0] ?? "",
      alreadyMember: group ? await group.isActive() : false,
    };
  }

  /**
   * Sends the link to its maker in a DM asking to be added. Resolves once the request is on
   * the node; `status(inviteId)` then says waiting, joined (the group arrived) or refused.
   */
  async requestToJoin(link: string): Promise<InvitePreview> {
    const preview = await this.inspect(link);
    if (preview.inviterInboxId === this.ctx.installation.inboxId)
      throw new ClientError(
        "invalid_argument",
        "this is your own invite link: share it with others",
      );
    if (preview.alreadyMember) return preview;
    const token = tokenOfLink(link);
    // One id for every copy: the admins claim it, so exactly one of them answers.
    const requestId = toHex(randomBytes(16));
    await saveJoin(this.ctx.db, {
      token,
      inviteId: preview.inviteId,
      groupId: preview.groupId,
      inviterInboxId: preview.inviterInboxId,
      admins: preview.admins,
      requestedAtNs: nowNs().toString(),
    });
    const sent = await Promise.allSettled(
      preview.admins.map(async (admin) => {
        const address =
          admin === preview.inviterInboxId
            ? preview.inviterAddress
            : [...((await this.ctx.resolver.state(admin))?.addresses.keys() ?? [])][0];
        if (!address) throw new ClientError("no_inbox", `admin ${admin} has no address`);
        const dm = await this.conversations.newDm(address);
        await dm.send({ invite: token, requestId }, ContentTypeJoinRequest);
      }),
    );
    // One admin reached is enough; none reached is the error the person sees.
    const failed = sent.filter((r) => r.status === "rejected");
    if (failed.length === sent.length) throw (failed[0] as PromiseRejectedResult).reason;
    for (const f of failed)
      this.log?.("join_request_not_sent", { error: String((f as PromiseRejectedResult).reason) });
    return preview;
  }

  /** Where a join request stands (a Dexie read: live queries follow it). */
  async status(inviteId: string): Promise<JoinStatus> {
    const join = (await loadJoins(this.ctx.db))[inviteId];
    if (!join) return { state: "not_requested" };
    const row = await getConversation(this.ctx.db, join.groupId);
    if (row?.kind === "group" && (await this.conversations.getGroup(row.id))?.isActive())
      return { state: "joined", conversationId: row.id };
    if (join.refused) {
      const reason = join.refused as JoinRefusal;
      return { state: "refused", reason, message: REFUSAL_TEXT[reason] ?? REFUSAL_TEXT.invalid };
    }
    return { state: "waiting" };
  }

  private async onReply(m: DecodedMessage): Promise<void> {
    const c = m.content as JoinReplyContent;
    const join = (await loadJoins(this.ctx.db))[c.inviteId];
    // Only an admin the link names answers for it: anyone else's reply changes nothing. The
    // first answer stands (one is sent per request; a second would be a stale device's).
    const answerers = join?.admins ?? [join?.inviterInboxId];
    if (!join || !answerers.includes(m.senderInboxId) || join.refused) return;
    await saveJoin(this.ctx.db, { ...join, refused: c.refused });
  }

  /**
   * Another admin claimed a request or revoked a link in the group. When the link is ours,
   * our record follows the group's: its uses and revocation show in our list and reach our
   * other devices.
   */
  private async onControl(m: DecodedMessage): Promise<void> {
    const c = m.content as InviteControlContent;
    const row = (await loadInvites(this.ctx.db))[c.inviteId];
    if (!row || row.groupId !== m.conversationId) return;
    const invite = openInvite(row.token, 0);
    const ledger = foldLedger(await readLedger(this.ctx, invite), invite);
    const updates = [...ledger.users].map(([inbox, at]) => recordUpdate(row, inbox, at));
    if (ledger.revokedAtNs !== undefined)
      updates.push(recordUpdate(row, undefined, undefined, ledger.revokedAtNs));
    const changed = await mergeInvites(this.ctx.db, updates);
    if (changed.length > 0) await this.shareRows(changed);
  }
}
