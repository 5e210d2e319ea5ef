// The inviter's side: a join request arrived in a DM. Each of the inviter's devices checks
// the invite itself (its own inbox's signature by a device the inbox still holds, not
// revoked, not expired when asked, uses left, the group here and the inviter still allowed
// to add) and adds the sender, or replies with a typed refusal. Two devices answering the
// same request is harmless: the second add finds the person in and changes nothing, and a
// use is counted per inbox, not per request. A blocked sender gets no answer at all.
import { ContentTypeJoinReply, type JoinRefusal, type JoinRequestContent } from "../../content";
import {
  getConsentRecords,
  getConversation,
  loadInvites,
  mergeInvites,
  type InviteRow,
} from "../../storage";
import type { ClientContext } from "../context";
import type { Conversations } from "../conversations/conversations";
import { sendContent } from "../messages/send";
import type { DecodedMessage, ReceiveLog } from "../types";
import { ClientError } from "../errors";
import { openInvite, type Invite } from "./token";

type Verdict =
  | { kind: "add"; invite: Invite; row: InviteRow }
  | { kind: "refuse"; inviteId: string; why: JoinRefusal }
  | { kind: "ignore"; why: string };

/** A request whose invite does not open names no invite: the reply says so with zeros. */
const NO_INVITE = "0".repeat(32);

export async function judgeJoinRequest(
  ctx: ClientContext,
  conversations: Conversations,
  m: DecodedMessage,
): Promise<Verdict> {
  const self = ctx.installation.inboxId;
  const requester = m.senderInboxId;
  // Asked privately: a request posted in a group would put the answer in front of everyone.
  if ((await getConversation(ctx.db, m.conversationId))?.kind !== "dm")
    return { kind: "ignore", why: "not_in_a_dm" };
  const [block] = await getConsentRecords(ctx.db, [{ kind: "inbox", inboxId: requester }]);
  if (block?.state === "denied") return { kind: "ignore", why: "blocked" };
  let invite: Invite;
  try {
    invite = openInvite((m.content as JoinRequestContent).invite, 0); // expiry: below, at send time
  } catch {
    return { kind: "refuse", inviteId: NO_INVITE, why: "invalid" };
  }
  if (invite.inviterInboxId !== self)
    return { kind: "refuse", inviteId: invite.inviteId, why: "invalid" };
  // Signed by a device this inbox holds today: a revoked device's links die with it, and a
  // valid signature by someone else's device naming us is a forgery.
  const own = await ctx.resolver.latest(self);
  if (!own?.installations.includes(invite.inviterInstallation))
    return { kind: "refuse", inviteId: invite.inviteId, why: "invalid" };
  const row = (await loadInvites(ctx.db))[invite.inviteId];
  // Made on another device that has not shared it yet: that device answers.
  if (!row) return { kind: "ignore", why: "unknown_invite" };
  if (row.revokedAtNs !== undefined)
    return { kind: "refuse", inviteId: invite.inviteId, why: "revoked" };
  // Judged at the node's time of the request: someone who asked in time is not turned away
  // because this device was offline until after the expiry.
  if (BigInt(row.expiresAtNs) <= m.sentAtNs)
    return { kind: "refuse", inviteId: invite.inviteId, why: "expired" };
  const uses = Object.keys(row.usedBy);
  if (!uses.includes(requester) && row.maxUses > 0 && uses.length >= row.maxUses)
    return { kind: "refuse", inviteId: invite.inviteId, why: "used_up" };
  const group = await conversations.getGroup(invite.groupId);
  if (!group) return { kind: "refuse", inviteId: invite.inviteId, why: "no_longer_valid" };
  const details = await group.details();
  if (!details.active || details.myRole === "member" || !details.can.add_member.allowed)
    return { kind: "refuse", inviteId: invite.inviteId, why: "no_longer_valid" };
  return { kind: "add", invite, row };
}

/** Answers one join request: adds, refuses or ignores it. Returns what it did (for tests/logs). */
export async function answerJoinRequest(
  ctx: ClientContext,
  conversations: Conversations,
  m: DecodedMessage,
  shareUse: (rows: InviteRow[]) => Promise<void>,
  log?: ReceiveLog,
): Promise<Verdict["kind"]> {
  const verdict = await judgeJoinRequest(ctx, conversations, m);
  if (verdict.kind === "ignore") {
    log?.("join_request_ignored", { why: verdict.why, from: m.senderInboxId });
    return "ignore";
  }
  if (verdict.kind === "refuse") {
    log?.("join_request_refused", { why: verdict.why, from: m.senderInboxId });
    await sendContent(ctx, m.conversationId, ContentTypeJoinReply, {
      inviteId: verdict.inviteId,
      refused: verdict.why,
    });
    return "refuse";
  }
  const group = await conversations.getGroup(verdict.invite.groupId);
  if (!group) throw new ClientError("conversation_not_found", "the invite's group is gone");
  const members = await group.members();
  if (!members.some((x) => x.inboxId === m.senderInboxId))
    await group.addMembers([m.senderInboxId]);
  // Counted once the person is in: a failed add spends nothing.
  const changed = await mergeInvites(ctx.db, [
    {
      token: verdict.row.token,
      inviteId: verdict.row.inviteId,
      groupId: verdict.row.groupId,
      createdAtNs: BigInt(verdict.row.createdAtNs),
      expiresAtNs: BigInt(verdict.row.expiresAtNs),
      maxUses: verdict.row.maxUses,
      usedBy: { [m.senderInboxId]: m.sentAtNs },
    },
  ]);
  await shareUse(changed);
  log?.("join_request_added", { from: m.senderInboxId, group: verdict.invite.groupId });
  return "add";
}
