// An admin's side: a join request arrived in a DM. The joiner sends one copy to each admin
// the link names (token.ts), so any of them can answer while the inviter is offline. Each
// device checks what it can alone (the signature by a device the inviter's verified log
// holds, the group here, itself able to add), then CLAIMS the request in the group
// (invite_control) and reads the group back: only the device whose claim the node ordered
// first answers, judging revocation, expiry and uses from the group's record (ledger.ts),
// which every admin reads alike. Checks that fail before a claim make the device silent
// (another admin named in the link may still answer), except where nobody else could.
// A blocked sender gets no answer at all.
import {
  ContentTypeInviteControl,
  ContentTypeJoinReply,
  type JoinRefusal,
  type JoinRequestContent,
} from "../../content";
import { randomBytes, toHex } from "../../crypto";
import {
  getConsentRecords,
  getConversation,
  loadInvites,
  mergeInvites,
  type InviteRow,
} from "../../storage";
import type { ClientContext } from "../context";
import type { Conversations } from "../conversations/conversations";
import type { Group } from "../groups/group";
import { sendContent } from "../messages/send";
import type { DecodedMessage, ReceiveLog } from "../types";
import { foldLedger, readLedger } from "./ledger";
import { recordUpdate } from "./records";
import { openInvite, type Invite } from "./token";

type Verdict =
  | { kind: "claim"; invite: Invite; group: Group; requestId: string }
  | { kind: "refuse"; inviteId: string; why: JoinRefusal }
  | { kind: "ignore"; why: string };

export type Answer = "add" | "refuse" | "ignore";

/** A request whose invite does not open names no invite: the reply says so with zeros. */
const NO_INVITE = "0".repeat(32);

/** What this device can decide alone, before claiming. */
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
  const content = m.content as JoinRequestContent;
  let invite: Invite;
  try {
    invite = openInvite(content.invite, 0); // expiry: in the ledger, at the request's time
  } catch {
    return { kind: "refuse", inviteId: NO_INVITE, why: "invalid" };
  }
  const inviter = self === invite.inviterInboxId;
  // Not one of the link's admins: a hand-made request; the inviter (asked too) answers it.
  if (!invite.admins.includes(self))
    return inviter
      ? { kind: "refuse", inviteId: invite.inviteId, why: "invalid" }
      : { kind: "ignore", why: "not_named" };
  // Signed by a device the inviter's inbox holds today: a revoked device's links die with it,
  // and a valid signature by someone else's device naming the inviter is a forgery. Every
  // admin asked sees the same forgery; the inviter alone says so.
  const log = await ctx.resolver.latest(invite.inviterInboxId);
  if (!log?.installations.includes(invite.inviterInstallation))
    return inviter
      ? { kind: "refuse", inviteId: invite.inviteId, why: "invalid" }
      : { kind: "ignore", why: "forged" };
  const group = await conversations.getGroup(invite.groupId);
  const details = group ? await group.details() : undefined;
  if (!group || !details?.active || details.myRole === "member" || !details.can.add_member.allowed)
    // A stale list: this admin left or lost the right to add; the others named may answer.
    // When the inviter was the only one named, nobody else will: it says so.
    return inviter && invite.admins.length === 1
      ? { kind: "refuse", inviteId: invite.inviteId, why: "no_longer_valid" }
      : { kind: "ignore", why: "cannot_add" };
  // Already in (another admin added them, or they joined otherwise): nothing to say.
  if (details.members.some((x) => x.inboxId === requester))
    return { kind: "ignore", why: "already_member" };
  // Older joiners send no requestId: the message itself is the request (one admin asked).
  return { kind: "claim", invite, group, requestId: content.requestId ?? m.id.slice(0, 32) };
}

/** Answers one join request: adds, refuses or stays silent. Returns what it did (tests/logs). */
export async function answerJoinRequest(
  ctx: ClientContext,
  conversations: Conversations,
  m: DecodedMessage,
  shareUse: (rows: InviteRow[]) => Promise<void>,
  log?: ReceiveLog,
): Promise<Answer> {
  const verdict = await judgeJoinRequest(ctx, conversations, m);
  if (verdict.kind === "ignore") {
    log?.("join_request_ignored", { why: verdict.why, from: m.senderInboxId });
    return "ignore";
  }
  if (verdict.kind === "refuse") return refuse(ctx, m, verdict.inviteId, verdict.why, log);
  const { invite, group, requestId } = verdict;
  const claimId = toHex(randomBytes(16));
  await group.send(
    {
      action: "claim",
      inviteId: invite.inviteId,
      requestId,
      requester: m.senderInboxId,
      requestedAtNs: m.sentAtNs.toString(),
      claimId,
    },
    ContentTypeInviteControl,
  );
  // Everything the node ordered before our claim, then the claim itself, is now stored.
  await conversations.syncGroup(invite.groupId);
  const own = (await loadInvites(ctx.db))[invite.inviteId];
  const ledger = foldLedger(await readLedger(ctx, invite), invite, usesOf(own));
  const claim = ledger.claims.get(requestId);
  if (claim?.claimId !== claimId) {
    log?.("join_request_claimed_elsewhere", { from: m.senderInboxId, requestId });
    return "ignore";
  }
  // The inviter's own devices also honour a revocation not yet in the group (made offline).
  if (own?.revokedAtNs !== undefined) return refuse(ctx, m, invite.inviteId, "revoked", log);
  if (claim.outcome.kind === "refuse")
    return refuse(ctx, m, invite.inviteId, claim.outcome.why, log);
  // A link dies with its maker's right to add people.
  const details = await group.details();
  const maker = details.members.find((x) => x.inboxId === invite.inviterInboxId);
  if (!maker || maker.role === "member")
    return refuse(ctx, m, invite.inviteId, "no_longer_valid", log);
  if (!details.members.some((x) => x.inboxId === m.senderInboxId))
    await group.addMembers([m.senderInboxId]);
  if (own)
    await shareUse(await mergeInvites(ctx.db, [recordUpdate(own, m.senderInboxId, m.sentAtNs)]));
  log?.("join_request_added", { from: m.senderInboxId, group: invite.groupId });
  return "add";
}

async function refuse(
  ctx: ClientContext,
  m: DecodedMessage,
  inviteId: string,
  why: JoinRefusal,
  log?: ReceiveLog,
): Promise<Answer> {
  log?.("join_request_refused", { why, from: m.senderInboxId });
  await sendContent(ctx, m.conversationId, ContentTypeJoinReply, { inviteId, refused: why });
  return "refuse";
}

const usesOf = (row: InviteRow | undefined): Record<string, bigint> =>
  Object.fromEntries(Object.entries(row?.usedBy ?? {}).map(([k, v]) => [k, BigInt(v)]));
