// The invite token (proto messenger/invites/v1): made and signed by an admin's installation,
// carried in a link's fragment, checked by the joiner (form, signature, expiry, that the
// signing installation is the inviter's) and again by the inviter's devices before adding.
// Signed like a ReaddRequest (forks/entries.ts): Ed25519 (pure) by the installation's key
// over the serialized token, with a `purpose` that gives the signed bytes one meaning.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ed25519Sign, ed25519Verify, equalBytes, randomBytes, toHex } from "../../crypto";
import {
  InviteTokenSchema,
  SignedInviteSchema,
  type InviteToken,
} from "../../proto/messenger/invites/v1/invite_pb";
import type { InstallationSigner } from "../../mls";
import { ClientError } from "../errors";

const INVITE_PURPOSE = "messenger invite v1";
/** Longest a link may live: a link is a bearer secret, so it should not outlive its use. */
export const MAX_INVITE_LIFETIME_MS = 365 * 24 * 3600_000;
export const MAX_INVITE_USES = 10_000;
const MAX_NAME_CHARS = 100;
/** Inboxes a link names as its answerers (the joiner sends one request to each). */
export const MAX_INVITE_ADMINS = 8;
const INBOX_ID = /^[0-9a-f]{64}$/;

/** What a checked invite says, in the client's terms. */
export interface Invite {
  /** Hex, 32 digits. */
  inviteId: string;
  groupId: string; // hex
  inviterInboxId: string;
  inviterInstallation: string; // hex
  createdAt: Date;
  expiresAt: Date;
  /** 0 = no limit. */
  maxUses: number;
  /** Present only when the inviter chose to put it in the link. */
  groupName?: string;
  /** Whom the joiner asks: the inviter first, then the admins named when the link was made. */
  admins: string[];
}

export interface NewInvite {
  groupId: string;
  expiresAt: Date;
  maxUses?: number;
  groupName?: string;
  /** The group's other admins who may add people (the signer is always first; capped). */
  admins?: string[];
}

const bad = (what: string) =>
  new ClientError("invalid_invite", `This invite link is not valid: ${what}`);

function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw bad("it holds characters a link token never has");
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Signs a new invite with this installation's key; returns the link token (base64url). */
export function signInvite(
  signer: InstallationSigner,
  inv: NewInvite,
  now = Date.now(),
): { token: string; invite: Invite } {
  const maxUses = inv.maxUses ?? 0;
  if (!Number.isSafeInteger(maxUses) || maxUses < 0 || maxUses > MAX_INVITE_USES)
    throw new ClientError(
      "invalid_argument",
      `maxUses must be a whole number from 0 (no limit) to ${MAX_INVITE_USES}, got ${String(inv.maxUses)}`,
    );
  const expiresMs = inv.expiresAt instanceof Date ? inv.expiresAt.getTime() : NaN;
  if (!Number.isFinite(expiresMs) || expiresMs <= now || expiresMs - now > MAX_INVITE_LIFETIME_MS)
    throw new ClientError(
      "invalid_argument",
      "expiresAt must be a date in the future, at most a year from now",
    );
  const groupName = inv.groupName ?? "";
  if (groupName.length > MAX_NAME_CHARS)
    throw new ClientError(
      "invalid_argument",
      `groupName is longer than ${MAX_NAME_CHARS} characters`,
    );
  const others = inv.admins ?? [];
  if (!Array.isArray(others) || others.some((a) => typeof a !== "string" || !INBOX_ID.test(a)))
    throw new ClientError("invalid_argument", "admins must be inbox ids (64 lowercase hex digits)");
  const admins = [...new Set([signer.inboxId, ...others])].slice(0, MAX_INVITE_ADMINS);
  const token = create(InviteTokenSchema, {
    groupId: fromHexStrict(inv.groupId),
    inviterInboxId: signer.inboxId,
    inviterInstallationKey: signer.publicKey,
    createdAtNs: BigInt(now) * 1_000_000n,
    expiresAtNs: BigInt(expiresMs) * 1_000_000n,
    maxUses,
    inviteId: randomBytes(16),
    groupName,
    purpose: INVITE_PURPOSE,
    adminInboxIds: admins,
  });
  const bytes = toBinary(InviteTokenSchema, token);
  const signed = toBinary(
    SignedInviteSchema,
    create(SignedInviteSchema, { token: bytes, signature: ed25519Sign(bytes, signer.privateKey) }),
  );
  return { token: toBase64Url(signed), invite: inviteOf(token) };
}

function fromHexStrict(hex: string): Uint8Array {
  if (typeof hex !== "string" || !/^(?:[0-9a-f]{2})+$/.test(hex))
    throw new ClientError("invalid_argument", "groupId must be lowercase hex");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function inviteOf(t: InviteToken): Invite {
  return {
    inviteId: toHex(t.inviteId),
    groupId: toHex(t.groupId),
    inviterInboxId: t.inviterInboxId,
    inviterInstallation: toHex(t.inviterInstallationKey),
    createdAt: new Date(Number(t.createdAtNs / 1_000_000n)),
    expiresAt: new Date(Number(t.expiresAtNs / 1_000_000n)),
    maxUses: t.maxUses,
    ...(t.groupName ? { groupName: t.groupName } : {}),
    admins: t.adminInboxIds.length > 0 ? [...t.adminInboxIds] : [t.inviterInboxId],
  };
}

/** The token part of a link ("https://…/invite#TOKEN", "#TOKEN" or the bare token). */
export function tokenOfLink(link: string): string {
  if (typeof link !== "string") throw bad("no link was given");
  const hash = link.indexOf("#");
  return (hash >= 0 ? link.slice(hash + 1) : link).trim();
}

/**
 * Checks the link's form, its signature by the installation it names and its expiry (at
 * `now`). Whether that installation belongs to the inviter's inbox is the caller's check
 * (it needs the inviter's identity log). Throws ClientError invalid_invite / invite_expired.
 */
export function openInvite(link: string, now = Date.now()): Invite {
  const text = tokenOfLink(link);
  if (text.length === 0) throw bad("the link has no invite in it (nothing after #)");
  if (text.length > 2048) throw bad("it is too long");
  let signed;
  let token: InviteToken;
  try {
    signed = fromBinary(SignedInviteSchema, fromBase64Url(text));
    token = fromBinary(InviteTokenSchema, signed.token);
  } catch (err) {
    if (err instanceof ClientError) throw err;
    throw bad("it is cut short or damaged (copy the whole link)");
  }
  if (token.purpose !== INVITE_PURPOSE) throw bad("it is not an invite");
  if (token.groupId.length === 0 || token.groupId.length > 64) throw bad("it names no group");
  if (!INBOX_ID.test(token.inviterInboxId)) throw bad("it names no inviter");
  if (token.inviterInstallationKey.length !== 32) throw bad("it names no inviting device");
  if (token.inviteId.length !== 16) throw bad("it has no invite id");
  if (token.groupName.length > MAX_NAME_CHARS) throw bad("its group name is too long");
  if (token.maxUses > MAX_INVITE_USES) throw bad("its use count is out of range");
  if (!ed25519Verify(signed.signature, signed.token, token.inviterInstallationKey))
    throw bad("its signature does not match (it was changed after it was made)");
  // Checked once the bytes are known to be the inviter's: its maker first, each once.
  const admins = token.adminInboxIds;
  if (
    admins.length > MAX_INVITE_ADMINS ||
    (admins.length > 0 && admins[0] !== token.inviterInboxId) ||
    new Set(admins).size !== admins.length ||
    admins.some((a) => !INBOX_ID.test(a))
  )
    throw bad("its list of admins is malformed");
  if (token.expiresAtNs <= BigInt(now) * 1_000_000n)
    throw new ClientError("invite_expired", "This invite has expired: ask for a new link");
  return inviteOf(token);
}

/** Whether `invite` was signed by this installation (the inviter's own check). */
export function signedBy(invite: Invite, installationKey: Uint8Array): boolean {
  return equalBytes(fromHexStrict(invite.inviterInstallation), installationKey);
}
