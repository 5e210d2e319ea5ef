// An inviter's invites as stored (storage/invites.ts) and as devices exchange them
// (device_sync "invites"): the token carries the terms, so a synced record is checked by
// opening its token (signature included) before it is merged.
import type { SyncedInvite } from "../../content";
import type { InviteRow, InviteUpdate } from "../../storage";
import { openInvite } from "./token";

/** What one invite looks like to its inviter: terms plus revocation and uses. */
export interface InviteLink {
  inviteId: string;
  groupId: string;
  /** The link's token (put after "#" in /invite#…). */
  token: string;
  createdAt: Date;
  expiresAt: Date;
  /** 0 = no limit. */
  maxUses: number;
  uses: number;
  revoked: boolean;
  /** Usable now: not revoked, not expired, uses left. */
  active: boolean;
}

export function linkOf(row: InviteRow, now = Date.now()): InviteLink {
  const uses = Object.keys(row.usedBy).length;
  const expiresAt = new Date(Number(BigInt(row.expiresAtNs) / 1_000_000n));
  const revoked = row.revokedAtNs !== undefined;
  return {
    inviteId: row.inviteId,
    groupId: row.groupId,
    token: row.token,
    createdAt: new Date(Number(BigInt(row.createdAtNs) / 1_000_000n)),
    expiresAt,
    maxUses: row.maxUses,
    uses,
    revoked,
    active: !revoked && expiresAt.getTime() > now && (row.maxUses === 0 || uses < row.maxUses),
  };
}

/** A stored invite as sent to the inbox's other devices. */
export function syncedOf(row: InviteRow): SyncedInvite {
  return {
    token: row.token,
    ...(row.revokedAtNs !== undefined ? { revokedAtNs: BigInt(row.revokedAtNs).toString() } : {}),
    usedBy: Object.entries(row.usedBy).map(([inboxId, atNs]) => ({
      inboxId,
      atNs: BigInt(atNs).toString(),
    })),
  };
}

/** A synced invite as an update; undefined when its token does not open or is not ours. */
export function updateOf(s: SyncedInvite, ownInboxId: string): InviteUpdate | undefined {
  let inv;
  try {
    inv = openInvite(s.token, 0); // expiry is not the question here: old links are kept too
  } catch {
    return undefined;
  }
  if (inv.inviterInboxId !== ownInboxId) return undefined;
  return {
    token: s.token,
    inviteId: inv.inviteId,
    groupId: inv.groupId,
    createdAtNs: BigInt(inv.createdAt.getTime()) * 1_000_000n,
    expiresAtNs: BigInt(inv.expiresAt.getTime()) * 1_000_000n,
    maxUses: inv.maxUses,
    ...(s.revokedAtNs !== undefined ? { revokedAtNs: BigInt(s.revokedAtNs) } : {}),
    usedBy: Object.fromEntries(s.usedBy.map((u) => [u.inboxId, BigInt(u.atNs)])),
  };
}

/** An inviter's record of its link with one more use (or revocation), as a merge update. */
export function recordUpdate(
  row: InviteRow,
  inboxId?: string,
  atNs?: bigint,
  revokedAtNs?: bigint,
): InviteUpdate {
  return {
    token: row.token,
    inviteId: row.inviteId,
    groupId: row.groupId,
    createdAtNs: BigInt(row.createdAtNs),
    expiresAtNs: BigInt(row.expiresAtNs),
    maxUses: row.maxUses,
    ...(revokedAtNs !== undefined ? { revokedAtNs } : {}),
    usedBy: inboxId !== undefined && atNs !== undefined ? { [inboxId]: atNs } : {},
  };
}
