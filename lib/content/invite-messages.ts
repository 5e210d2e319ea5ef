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
  return { invite: c.invite };
}

function checkReply(c: JoinReplyContent): JoinReplyContent {
  if (typeof c?.inviteId !== "string" || !/^[0-9a-f]{32}$/.test(c.inviteId))
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
