// The group's own record of an invite link: the invite_control messages its admins sent in
// the group (claims of join requests, revocations), in the node's order. The node orders a
// group's messages totally, so folding them gives every admin's device the same answer to
// "who answers this request", "was the link revoked before it" and "is a use left": two
// admins online at once never both add, and at the last use the request claimed first (in
// node order) gets it while the later one is refused used_up. Only admins' controls are
// stored at all (messages/content-rules.ts drops the rest on receipt).
import {
  ContentTypeInviteControl,
  contentTypeToString,
  type InviteControlContent,
} from "../../content";
import { messagesFrom, nsKey } from "../../storage";
import type { ClientContext } from "../context";
import type { Invite } from "./token";

const INVITE_CONTROL = contentTypeToString(ContentTypeInviteControl);
/** Node clock vs the inviter's clock: controls are looked for from a little before the link. */
const CLOCK_SKEW_NS = 10n * 60n * 1_000_000_000n;
const PAGE = 2000;

export interface LedgerEntry {
  nodeId: bigint;
  senderInboxId: string;
  sentAtNs: bigint;
  control: InviteControlContent;
}

export type ClaimOutcome =
  { kind: "add" } | { kind: "refuse"; why: "revoked" | "expired" | "used_up" };

export interface Ledger {
  /** When the first revocation reached the group (node time), if any. */
  revokedAtNs?: bigint;
  /** Who got in through the link, with the node time of their request. */
  users: Map<string, bigint>;
  /** Each request's winning claim and what it decided, by requestId. */
  claims: Map<string, { claimId: string; requester: string; outcome: ClaimOutcome }>;
}

/** This invite's controls stored for its group, oldest first (published ones: they have a place). */
export async function readLedger(ctx: ClientContext, invite: Invite): Promise<LedgerEntry[]> {
  const since = BigInt(invite.createdAt.getTime()) * 1_000_000n - CLOCK_SKEW_NS;
  const entries = new Map<string, LedgerEntry>();
  let from = nsKey(since > 0n ? since : 0n);
  for (;;) {
    const rows = await messagesFrom(ctx.db, invite.groupId, from, PAGE);
    for (const row of rows) {
      if (row.contentType !== INVITE_CONTROL || row.nodeId === undefined) continue;
      const decoded = await ctx.codecs.decodeBytes(row.encodedContent).catch(() => undefined);
      const control = decoded?.content as InviteControlContent | undefined;
      if (!control || control.inviteId !== invite.inviteId) continue;
      entries.set(row.id, {
        nodeId: BigInt(row.nodeId),
        senderInboxId: row.senderInboxId,
        sentAtNs: BigInt(row.sentAtNs),
        control,
      });
    }
    // Pages overlap at equal timestamps; the map keeps each message once.
    if (rows.length < PAGE) break;
    const last = rows.at(-1)!.sentAtNs;
    if (last === from) break;
    from = last;
  }
  return [...entries.values()].sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
}

/**
 * Folds the entries (node order) for one invite. `priorUses`: uses its inviter's devices
 * counted before the group kept a record (links made by older versions).
 */
export function foldLedger(
  entries: LedgerEntry[],
  invite: Pick<Invite, "expiresAt" | "maxUses">,
  priorUses: Record<string, bigint> = {},
): Ledger {
  const expiresAtNs = BigInt(invite.expiresAt.getTime()) * 1_000_000n;
  const ledger: Ledger = { users: new Map(Object.entries(priorUses)), claims: new Map() };
  for (const e of entries) {
    const c = e.control;
    if (c.action === "revoke") {
      ledger.revokedAtNs ??= e.sentAtNs;
      continue;
    }
    // A later claim of a request already claimed lost: its device stays silent.
    if (ledger.claims.has(c.requestId)) continue;
    const at = BigInt(c.requestedAtNs);
    let outcome: ClaimOutcome;
    if (ledger.revokedAtNs !== undefined) outcome = { kind: "refuse", why: "revoked" };
    else if (at >= expiresAtNs) outcome = { kind: "refuse", why: "expired" };
    else if (
      !ledger.users.has(c.requester) &&
      invite.maxUses > 0 &&
      ledger.users.size >= invite.maxUses
    )
      outcome = { kind: "refuse", why: "used_up" };
    else {
      outcome = { kind: "add" };
      if (!ledger.users.has(c.requester)) ledger.users.set(c.requester, at);
    }
    ledger.claims.set(c.requestId, { claimId: c.claimId, requester: c.requester, outcome });
  }
  return ledger;
}
