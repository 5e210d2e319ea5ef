// Welcome lineages (issue 11 item 9). Anyone who knows a group id can build his own MLS
// group under it and welcome us into it, so "the first welcome for an id wins" let a past
// member capture a conversation on a new device. Now every welcome that opens is a lineage
// of its id, keyed by the hash of its bytes; the first is shown at once (the common case
// has no other), later ones wait as candidates. Only evidence rooted in the user's OWN
// installations confirms one — an attacker can post into his fake lineage on the group's
// topic as much as he likes, but cannot sign as our devices:
//   - the welcome was signed by another installation of our inbox;
//   - an envelope that decrypts under the lineage was sent by another installation of ours;
//   - another installation reports (SYNC group) an epoch authenticator the lineage has.
// A confirmed candidate replaces an unconfirmed active lineage (its messages are dropped).
// A stuck active state (out of sync, or we were removed) is replaced by a candidate that a
// member of that state sent (the re-add that fork recovery makes) and that the group's
// commit log does not contradict (out of sync: that the log vouches for), or that is confirmed.
// Until then, an unconfirmed active lineage facing a candidate is "contested": sending waits.
// The caller holds the group's lock and replays the topic after an adoption.
import { equalBytes, sha256, toHex } from "../../crypto";
import {
  decodeGroupState,
  encodeGroupState,
  epochAuthenticator,
  groupMembers,
  isActive,
  processMessage,
  type GroupHandle,
  type Member,
  type Processed,
} from "../../mls";
import {
  clearOutOfSync,
  deleteLineage,
  forgetLosingLineage,
  getLineages,
  groupTopic,
  outOfSyncOf,
  putLineage,
  resetCursor,
  setContested,
  type Lineage,
} from "../../storage";
import type { ClientContext } from "../context";
import type { ReceiveLog } from "../types";
import { storeWelcomedConversation } from "../messages/welcomed-conversation";
import { dropReady } from "./ready";
import { loadGroup, replaceGroup } from "./state";
import { logVerdict } from "../forks/log-verdict";

/** A past member could otherwise make us keep (and try) any number of fake states. */
const MAX_CANDIDATES = 4;
const KEEP_AUTHENTICATORS = 8;

export const lineageIdOf = (welcome: Uint8Array) => toHex(sha256(welcome));

function remember(l: Lineage, group: GroupHandle): void {
  l.authenticators[group.epoch.toString()] = toHex(epochAuthenticator(group));
  const epochs = Object.keys(l.authenticators).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  for (const e of epochs.slice(0, Math.max(0, epochs.length - KEEP_AUTHENTICATORS)))
    delete l.authenticators[e];
}

/** The first welcome for a group id: the active lineage, shown at once. */
export async function recordFirstLineage(
  ctx: ClientContext,
  group: GroupHandle,
  addedBy: Member,
  welcome: Uint8Array,
): Promise<void> {
  const l: Lineage = {
    groupId: toHex(group.groupId),
    lineageId: lineageIdOf(welcome),
    role: "active",
    adderInboxId: addedBy.inboxId,
    authenticators: {},
    createdAt: Date.now(),
    ...(addedBy.inboxId === ctx.installation.inboxId
      ? { confirmedBy: "own_welcome" as const }
      : {}),
  };
  remember(l, group);
  await putLineage(ctx.db, l);
}

export type CandidateOutcome =
  | { kind: "duplicate" | "full" | "candidate" }
  | { kind: "adopted"; winner: Lineage; continuation: boolean };

/** A further welcome for a group id we hold: kept as a candidate, adopted if the evidence picks it. */
export async function addCandidate(
  ctx: ClientContext,
  group: GroupHandle,
  addedBy: Member,
  welcome: Uint8Array,
  log?: ReceiveLog,
): Promise<CandidateOutcome> {
  const groupId = toHex(group.groupId);
  const lineageId = lineageIdOf(welcome);
  const lineages = await getLineages(ctx.db, groupId);
  if (lineages.some((l) => l.lineageId === lineageId)) return { kind: "duplicate" };
  const candidates = lineages.filter((l) => l.role === "candidate");
  if (candidates.length >= MAX_CANDIDATES) {
    const stale = candidates.find((c) => !c.confirmedBy);
    if (!stale) return { kind: "full" };
    await deleteLineage(ctx.db, groupId, stale.lineageId);
    lineages.splice(lineages.indexOf(stale), 1);
  }
  const state = { state: encodeGroupState(group), epoch: group.epoch };
  const c: Lineage = {
    groupId,
    lineageId,
    role: "candidate",
    adderInboxId: addedBy.inboxId,
    authenticators: {},
    createdAt: Date.now(),
    joined: state,
    probe: state,
    ...(addedBy.inboxId === ctx.installation.inboxId
      ? { confirmedBy: "own_welcome" as const }
      : {}),
  };
  remember(c, group);
  await putLineage(ctx.db, c);
  lineages.push(c);
  log?.("welcome_lineage_candidate", { groupId, lineageId, adder: addedBy.inboxId });
  return settle(ctx, groupId, lineages, log);
}

const senderOf = (p: Processed) =>
  p.kind === "application"
    ? { inbox: p.senderInboxId, key: p.senderInstallationKey }
    : p.kind === "commit"
      ? { inbox: p.committerInboxId, key: p.committerInstallationKey }
      : undefined;

/** Sent by another installation of our own inbox (not by this one: we could be in any lineage). */
function fromOurOtherDevice(ctx: ClientContext, p: Processed): boolean {
  const s = senderOf(p);
  return (
    s !== undefined &&
    s.inbox === ctx.installation.inboxId &&
    !equalBytes(s.key, ctx.installation.publicKey)
  );
}

/**
 * After the receive path handled one envelope of the group (`result`: what the active state
 * made of it): the candidates try what the active state could not use, evidence is noted,
 * and the lineage the evidence now picks is adopted.
 */
export async function weighEnvelope(
  ctx: ClientContext,
  groupId: string,
  data: Uint8Array,
  result: Processed | undefined,
  log?: ReceiveLog,
): Promise<CandidateOutcome | undefined> {
  const lineages = await getLineages(ctx.db, groupId);
  if (!lineages.some((l) => l.role === "candidate")) return undefined;
  const active = lineages.find((l) => l.role === "active");
  if (active && result) {
    if (result.kind === "commit") remember(active, result.group);
    if (!active.confirmedBy && fromOurOtherDevice(ctx, result)) active.confirmedBy = "own_message";
    await putLineage(ctx.db, active);
  }
  if (!result) {
    for (const c of lineages) {
      if (c.role !== "candidate" || !c.probe) continue;
      let p: Processed;
      try {
        p = await processMessage(decodeGroupState(c.probe.state), data, ctx.resolver.authenticate);
      } catch {
        continue; // not this lineage's envelope
      }
      c.probe = { state: encodeGroupState(p.group), epoch: p.group.epoch };
      if (p.kind === "commit") remember(c, p.group);
      if (!c.confirmedBy && fromOurOtherDevice(ctx, p)) c.confirmedBy = "own_message";
      await putLineage(ctx.db, c);
      break; // an envelope belongs to one lineage at most
    }
  }
  await applyPendingClaim(ctx, lineages);
  return settle(ctx, groupId, lineages, log);
}

/**
 * Another installation of ours says the group is at `epoch` with `authenticator`: the
 * lineage that has it is confirmed, one that has another value for that epoch is not ours.
 */
export async function weighClaim(
  ctx: ClientContext,
  groupId: string,
  epoch: bigint,
  authenticator: string,
  log?: ReceiveLog,
): Promise<CandidateOutcome | undefined> {
  const lineages = await getLineages(ctx.db, groupId);
  if (!lineages.some((l) => l.role === "candidate")) return undefined;
  const active = lineages.find((l) => l.role === "active");
  if (active) active.pendingClaim = { epoch: epoch.toString(), authenticator };
  await applyPendingClaim(ctx, lineages);
  return settle(ctx, groupId, lineages, log);
}

async function applyPendingClaim(ctx: ClientContext, lineages: Lineage[]): Promise<void> {
  const active = lineages.find((l) => l.role === "active");
  const claim = active?.pendingClaim;
  if (!active || !claim) return;
  const current = await loadGroup(ctx, active.groupId);
  if (current) remember(active, current);
  const matching = lineages.filter((l) => l.authenticators[claim.epoch] === claim.authenticator);
  if (matching.length > 0 || lineages.some((l) => l.authenticators[claim.epoch] !== undefined)) {
    delete active.pendingClaim; // answered: by a match, or no lineage reached it in step
    for (const l of matching) l.confirmedBy ??= "own_device";
    for (const l of lineages) await putLineage(ctx.db, l);
  } else await putLineage(ctx.db, active); // no lineage reached that epoch yet
}

/** Whether another installation of ours exists that could ever confirm a lineage. */
async function canBeSettled(ctx: ClientContext): Promise<boolean> {
  const keys = await ctx.resolver.installations(ctx.installation.inboxId).catch(() => []);
  return keys.some((k) => !equalBytes(k, ctx.installation.publicKey));
}

/** Groups whose lineage changed since last asked: their held messages can now go out. */
const adoptedGroups = new WeakMap<ClientContext, Set<string>>();

export function takeAdoptedGroups(ctx: ClientContext): string[] {
  const set = adoptedGroups.get(ctx);
  adoptedGroups.delete(ctx);
  return set ? [...set] : [];
}

const newestFirst = (a: Lineage, b: Lineage) =>
  (a.joined?.epoch ?? 0n) > (b.joined?.epoch ?? 0n) ? -1 : 1;

async function settle(
  ctx: ClientContext,
  groupId: string,
  lineages: Lineage[],
  log?: ReceiveLog,
): Promise<CandidateOutcome> {
  // No active row: a group this device made, or held before lineages existed: established.
  const active = lineages.find((l) => l.role === "active");
  const candidates = lineages.filter((l) => l.role === "candidate" && l.joined);
  const current = await loadGroup(ctx, groupId);
  const stuck = !current || !isActive(current) || Boolean(await outOfSyncOf(ctx.db, groupId));
  let winner: Lineage | undefined;
  if (stuck) {
    const members = new Set(current ? groupMembers(current).map((m) => m.inboxId) : []);
    const forked = Boolean(await outOfSyncOf(ctx.db, groupId));
    const eligible: Lineage[] = [];
    for (const c of candidates) {
      if (c.confirmedBy) eligible.push(c);
      else if (members.has(c.adderInboxId)) {
        // A member's re-add: the group's commit log must not contradict it, and for a
        // forked state it must vouch for it (forks/log-verdict.ts).
        const verdict = await logVerdict(ctx, decodeGroupState(c.joined!.state), current);
        if (verdict === "vouched" || verdict === "no_log" || (!forked && verdict === "unknown"))
          eligible.push(c);
      }
    }
    winner = eligible.sort(newestFirst)[0];
  } else if (active && !active.confirmedBy) {
    winner = candidates.filter((c) => c.confirmedBy).sort(newestFirst)[0];
  }
  if (winner) {
    await adopt(ctx, groupId, winner, lineages, stuck);
    adoptedGroups.set(ctx, (adoptedGroups.get(ctx) ?? new Set()).add(groupId));
    log?.("welcome_lineage_adopted", {
      groupId,
      lineageId: winner.lineageId,
      reason: stuck ? "stuck" : (winner.confirmedBy ?? "unknown"),
    });
    return { kind: "adopted", winner, continuation: stuck };
  }
  const contested =
    !!active && !active.confirmedBy && candidates.length > 0 && (await canBeSettled(ctx));
  if (contested) dropReady(ctx, groupId);
  await setContested(ctx.db, groupId, contested);
  return { kind: "candidate" };
}

/**
 * The winner's state replaces the stored one. After a conflict the loser's messages go and
 * the topic is read again from its start; after a stuck state (the same group, re-joined)
 * its history stays and the topic goes on from where it stopped.
 */
async function adopt(
  ctx: ClientContext,
  groupId: string,
  winner: Lineage,
  lineages: Lineage[],
  continuation: boolean,
): Promise<void> {
  const group = decodeGroupState(winner.joined!.state);
  await replaceGroup(ctx, group);
  if (continuation) {
    await clearOutOfSync(ctx.db, groupId);
    await setContested(ctx.db, groupId, false);
  } else {
    await forgetLosingLineage(ctx.db, groupId, ctx.installation.inboxId);
    await resetCursor(ctx.db, groupTopic(groupId));
  }
  // Name, kind and consent now come from the winner (the conversation row is kept).
  await storeWelcomedConversation(ctx, group, winner.adderInboxId, 0n);
  for (const l of lineages) if (l !== winner) await deleteLineage(ctx.db, groupId, l.lineageId);
  const { joined: _j, probe: _p, ...rest } = winner;
  await putLineage(ctx.db, { ...rest, role: "active" });
}
