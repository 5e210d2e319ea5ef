// messenger.app/join_request:1.0 and messenger.app/join_reply:1.0 (ours, issue 17 item 4):
// what travels in the DM between someone who opened an invite link and the inviter. The
// request carries the signed invite as the link had it; the inviter's devices check it and
// add the sender to the group (the welcome is the answer), or reply with a typed refusal so
// the joiner can say why. Other apps show the request's fallback text and skip the reply.
import type { ContentCodec } from "./codec";
import type { ContentTypeId } from "./content-type";
import { ContentError } from "./errors";

export const ContentTypeJoinRequest: ContentTypeId = Object.freeze({
  authorityId: "messenger.app",
  typeId: "join_request",
  versionMajor: 1,
  versionMinor: 0,
});

export const ContentTypeJoinReply: ContentTypeId = Object.freeze({
  authorityId: "messenger.app",
  typeId: "join_reply",
  versionMajor: 1,
  versionMinor: 0,
});

export interface JoinRequestContent {
  /** The invite as the link carries it (base64url of a SignedInvite). */
  invite: string;
  /**
   * 32 hex digits, the same in the copy sent to each admin the link names: the admins claim
   * the request by it, so one answers however many were asked. Absent from older clients.
   */
  requestId?: string;
}

/** Why an invite did not get the person in. */
export const JOIN_REFUSALS = [
  "expired",
  "revoked",
  "used_up",
  "invalid",
  "no_longer_valid",
] as const;
export type JoinRefusal = (typeof JOIN_REFUSALS)[number];

export interface JoinReplyContent {
  /** Hex id of the invite the refused request carried. */
  inviteId: string;
  refused: JoinRefusal;
}

const MAX_INVITE_CHARS = 2048;
const HEX32 = /^[0-9a-f]{32}$/;

function parseJson(bytes: Uint8Array, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new ContentError("malformed_content", `${what}: not UTF-8 JSON`, { cause });
  }
  if (typeof v !== "object" || v === null)
    throw new ContentError("malformed_content", `${what}: not a JSON object`);
  return v as Record<string, unknown>;
}

function checkRequest(c: JoinRequestContent): JoinRequestContent {
  if (
    typeof c?.invite !== "string" ||
    c.invite.length === 0 ||
    c.invite.length > MAX_INVITE_CHARS ||
    !/^[A-Za-z0-9_-]+$/.test(c.invite)
  )
    throw new ContentError(
      "malformed_content",
      `join_request: invite must be base64url text of at most ${MAX_INVITE_CHARS} characters`,
    );
  if (c.requestId !== undefined && (typeof c.requestId !== "string" || !HEX32.test(c.requestId)))
    throw new ContentError("malformed_content", "join_request: requestId must be 32 hex digits");
  return { invite: c.invite, ...(c.requestId !== undefined ? { requestId: c.requestId } : {}) };
}

function checkReply(c: JoinReplyContent): JoinReplyContent {
  if (typeof c?.inviteId !== "string" || !HEX32.test(c.inviteId))
    throw new ContentError("malformed_content", "join_reply: inviteId must be 32 hex digits");
  if (!JOIN_REFUSALS.includes(c.refused))
    throw new ContentError(
      "malformed_content",
      `join_reply: refused must be one of ${JOIN_REFUSALS.join(", ")}`,
    );
  return { inviteId: c.inviteId, refused: c.refused };
}

export const joinRequestCodec: ContentCodec<JoinRequestContent> = {
  contentType: ContentTypeJoinRequest,
  encode: (c) => ({
    type: { ...ContentTypeJoinRequest },
    parameters: {},
    content: new TextEncoder().encode(JSON.stringify(checkRequest(c))),
  }),
  decode: (e) =>
    checkRequest(parseJson(e.content, "join_request") as unknown as JoinRequestContent),
  // First person, so it reads right in the sender's own list as well as in the inviter's app.
  fallback: () => "I'd like to join your group with your invite link.",
  // A new message to the inviter (listed, counted, pushed): a push wakes them to open the
  // app, whose device then adds the person; with the app closed nobody is added.
  shouldPush: () => true,
};

export const joinReplyCodec: ContentCodec<JoinReplyContent> = {
  contentType: ContentTypeJoinReply,
  encode: (c) => ({
    type: { ...ContentTypeJoinReply },
    parameters: {},
    content: new TextEncoder().encode(JSON.stringify(checkReply(c))),
  }),
  decode: (e) => checkReply(parseJson(e.content, "join_reply") as unknown as JoinReplyContent),
  fallback: () => undefined,
  shouldPush: () => false,
};

// messenger.app/invite_control:1.0 (ours): what the group's admins tell each other, inside
// the group itself, about invite links. Sent in the group (not the SYNC group, which only
// reaches one inbox's devices) because every admin answering a link must see the same
// revocations and uses; the node orders a group's messages totally, so "the first claim of
// a request" and "revoked before this claim" mean the same thing on every admin's device.
// Receivers keep it only from an admin or super admin of the epoch (content-rules.ts).
// No fallback and no push: other apps skip it, our threads hide it.
export const ContentTypeInviteControl: ContentTypeId = Object.freeze({
  authorityId: "messenger.app",
  typeId: "invite_control",
  versionMajor: 1,
  versionMinor: 0,
});

export type InviteControlContent =
  | {
      /** An admin's device takes a join request; the first claim in group order answers it. */
      action: "claim";
      inviteId: string;
      /** The request's id (join_request.requestId), the same in every admin's copy. */
      requestId: string;
      /** Who asked. */
      requester: string;
      /** The node's time of the request (expiry is judged at it), decimal ns. */
      requestedAtNs: string;
      /** Random, per claiming device: two devices of one inbox tell their claims apart. */
      claimId: string;
    }
  | { action: "revoke"; inviteId: string };

function checkControl(c: InviteControlContent): InviteControlContent {
  const hex = (v: unknown, what: string) => {
    if (typeof v !== "string" || !HEX32.test(v))
      throw new ContentError("malformed_content", `invite_control: ${what} must be 32 hex digits`);
    return v;
  };
  const inviteId = hex(c?.inviteId, "inviteId");
  if (c.action === "revoke") return { action: "revoke", inviteId };
  if (c.action !== "claim")
    throw new ContentError("malformed_content", "invite_control: action must be claim or revoke");
  if (typeof c.requester !== "string" || !/^[0-9a-f]{64}$/.test(c.requester))
    throw new ContentError("malformed_content", "invite_control: requester must be an inbox id");
  if (typeof c.requestedAtNs !== "string" || !/^\d{1,20}$/.test(c.requestedAtNs))
    throw new ContentError("malformed_content", "invite_control: requestedAtNs must be decimal ns");
  return {
    action: "claim",
    inviteId,
    requestId: hex(c.requestId, "requestId"),
    requester: c.requester,
    requestedAtNs: c.requestedAtNs,
    claimId: hex(c.claimId, "claimId"),
  };
}

export const inviteControlCodec: ContentCodec<InviteControlContent> = {
  contentType: ContentTypeInviteControl,
  encode: (c) => ({
    type: { ...ContentTypeInviteControl },
    parameters: {},
    content: new TextEncoder().encode(JSON.stringify(checkControl(c))),
  }),
  decode: (e) =>
    checkControl(parseJson(e.content, "invite_control") as unknown as InviteControlContent),
  fallback: () => undefined,
  shouldPush: () => false,
};
