// Invite links (issue 17 item 4) on the identity row. An inviter's devices share their
// invites through the SYNC group: the fixed terms come from the signed token, and what
// changes (revoked, who used it) only grows, keeping the earliest time, so merging is
// order-free and every device converges. A joiner keeps the requests it sent.
import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { nsKey } from "./keys";
import type { InviteRow, JoinRow } from "./schema";

/** One device's knowledge of an invite, as devices exchange it. */
export interface InviteUpdate {
  token: string;
  inviteId: string;
  groupId: string;
  createdAtNs: bigint;
  expiresAtNs: bigint;
  maxUses: number;
  revokedAtNs?: bigint;
  usedBy: Record<string, bigint>;
}

export async function loadInvites(db: MessengerDb): Promise<Record<string, InviteRow>> {
  return (await db.identity.get("self"))?.invites ?? {};
}

const earlier = (a: string | undefined, b: string): string => (a !== undefined && a <= b ? a : b);

/** Merges what is new; returns the invites that changed (what to tell the other devices). */
export async function mergeInvites(db: MessengerDb, updates: InviteUpdate[]): Promise<InviteRow[]> {
  return db.transaction("rw", db.identity, async () => {
    const row = await db.identity.get("self");
    if (!row) throw new StorageError("not_found", "no identity saved in this database");
    const invites = { ...row.invites };
    const changed: InviteRow[] = [];
    for (const u of updates) {
      const had = invites[u.inviteId];
      const next: InviteRow = had
        ? { ...had, usedBy: { ...had.usedBy } }
        : {
            token: u.token,
            inviteId: u.inviteId,
            groupId: u.groupId,
            createdAtNs: nsKey(u.createdAtNs, "createdAtNs"),
            expiresAtNs: nsKey(u.expiresAtNs, "expiresAtNs"),
            maxUses: u.maxUses,
            usedBy: {},
          };
      let dirty = !had;
      if (u.revokedAtNs !== undefined) {
        const at = earlier(next.revokedAtNs, nsKey(u.revokedAtNs, "revokedAtNs"));
        if (at !== next.revokedAtNs) [next.revokedAtNs, dirty] = [at, true];
      }
      for (const [inbox, atNs] of Object.entries(u.usedBy)) {
        const at = earlier(next.usedBy[inbox], nsKey(atNs, "usedBy"));
        if (at !== next.usedBy[inbox]) [next.usedBy[inbox], dirty] = [at, true];
      }
      if (!dirty) continue;
      invites[u.inviteId] = next;
      changed.push(next);
    }
    if (changed.length > 0) await db.identity.update("self", { invites });
    return changed;
  });
}

export async function loadJoins(db: MessengerDb): Promise<Record<string, JoinRow>> {
  return (await db.identity.get("self"))?.joins ?? {};
}

export async function saveJoin(db: MessengerDb, join: JoinRow): Promise<void> {
  await db.transaction("rw", db.identity, async () => {
    const row = await db.identity.get("self");
    if (!row) throw new StorageError("not_found", "no identity saved in this database");
    await db.identity.update("self", { joins: { ...row.joins, [join.inviteId]: join } });
  });
}
