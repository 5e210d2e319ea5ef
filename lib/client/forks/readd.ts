// Automatic recovery (issue 12, item 4): an out-of-sync installation asks to be re-added;
// an up-to-date member removes and re-adds it in ONE commit with a fresh key package, and
// the welcome that commit makes replaces the forked state (readd-welcome.ts).
//
// Channel: a ReaddRequest entry in the group's commit log (entries.ts), signed by the
// requesting installation's own key. The node cannot forge it (it holds no installation
// key) and can at worst replay a recent one: a responder remembers the newest request it saw
// answered per installation (storage markReaddServed) and takes an older or equal one as
// spent, so the replay re-adds nobody again. A responder
// acts only if the key is a leaf of the group whose credential names the inbox the request
// names, and the inbox's identity log still holds that installation (not revoked).
//
// Responder: ONE deterministic member — the leaves allowed to add members (admins in an
// admins-only group), by leaf index; the first answers at once, the n-th only after
// n × takeover ms if the re-add has not happened by then (an offline first one is
// covered). Two that race anyway are harmless: the loser's commit is planned again and
// finds the installation already re-added (its leaf key changed), so it does nothing.
import { fromHex, toHex } from "../../crypto";
import {
  allows,
  groupMetadata,
  hasMutableExtensions,
  isActive,
  leavesOf,
  lifetimeProblem,
  memberOf,
  ownLeafIndex,
  parseKeyPackage,
  readGroupContext,
  roleOf,
  type GroupHandle,
} from "../../mls";
import type { ReaddRequest } from "../../proto/messenger/forks/v1/readd_request_pb";
import { getConversation, markReaddServed, readdServedUpTo } from "../../storage";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";
import { loadGroup } from "../groups/state";
import type { PlannedChange } from "../groups/planned-change";
import type { ReceiveLog } from "../types";
import { signedReaddRequest } from "./entries";
import { readdRequestProblem } from "./readd-proof";

export { READD_REQUEST_MAX_AGE_MS } from "./readd-proof";

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/** Publishes one request for each out-of-sync group not asked for within `everyMs`. */
export async function requestReadds(
  ctx: ClientContext,
  lastAsked: Map<string, number>,
  everyMs: number,
  log?: ReceiveLog,
): Promise<number> {
  const requests = [];
  for (const g of await ctx.db.groups.toArray()) {
    const conv = await getConversation(ctx.db, g.groupId);
    if (!conv?.outOfSync) continue; // groups and DMs alike
    if (Date.now() - (lastAsked.get(g.groupId) ?? 0) < everyMs) continue;
    const group = await loadGroup(ctx, g.groupId);
    if (!group) continue;
    const own = leavesOf(group.state.ratchetTree).find((l) => l.leafIndex === ownLeafIndex(group));
    if (!own) continue;
    requests.push(
      signedReaddRequest(
        {
          groupId: group.groupId,
          installationKey: ctx.installation.publicKey,
          inboxId: ctx.installation.inboxId,
          epoch: group.epoch,
          requestedAtNs: nowNs(),
          leafEncryptionKey: own.leaf.hpkePublicKey,
        },
        ctx.installation.privateKey,
      ),
    );
  }
  if (requests.length === 0) return 0;
  await ctx.api.publishCommitLog(requests);
  for (const r of requests) {
    lastAsked.set(toHex(r.groupId), Date.now());
    log?.("readd_requested", { groupId: toHex(r.groupId) });
  }
  return requests.length;
}

export interface ReaddTask {
  groupId: string;
  installation: string; // hex
  /** The requester's leaf HPKE key when the request was read: a different one = re-added. */
  leafKey: string;
  /** This installation's place among the members allowed to answer (0 = first). */
  rank: number;
  /** The request's requested_at (ns): once answered, it and older requests are spent. */
  requestedAtNs: bigint;
}

/** Whether this installation should answer the request, and when; undefined = not ours to answer. */
export async function readdTaskFor(
  ctx: ClientContext,
  groupId: string,
  req: ReaddRequest,
): Promise<ReaddTask | undefined> {
  const installation = toHex(req.installationKey);
  if (installation === toHex(ctx.installation.publicKey)) return undefined;
  const conv = await getConversation(ctx.db, groupId);
  if (!conv || conv.outOfSync) return undefined;
  const group = await loadGroup(ctx, groupId);
  if (!group || !isActive(group)) return undefined;
  const dm = groupMetadata(group).conversationType === "dm";
  if (!dm && !hasMutableExtensions(group.state.groupContext.extensions)) return undefined;
  const leaves = leavesOf(group.state.ratchetTree);
  const requester = leaves.find((l) => toHex(l.leaf.signaturePublicKey) === installation);
  if (!requester || memberOf(requester.leaf).inboxId !== req.inboxId) return undefined;
  const leafKey = toHex(requester.leaf.hpkePublicKey);
  // The same rule DM receivers apply to the commit (readd-proof.ts).
  if (
    readdRequestProblem(req, {
      groupId,
      installation,
      inboxId: req.inboxId,
      leafKey,
      atMs: Date.now(),
    })
  )
    return undefined;
  // Answered already (a replay by the node, or a request read after its re-add).
  if (req.requestedAtNs <= (await readdServedUpTo(ctx.db, groupId, installation))) return undefined;
  const rank = responders(group, installation, dm).indexOf(ownLeafIndex(group));
  if (rank < 0) return undefined; // not allowed to add members here
  // Bound to the inbox by its identity log: a revoked installation is not brought back.
  const logState = await ctx.resolver.latest(req.inboxId);
  if (!logState?.installations.includes(installation)) return undefined;
  return { groupId, installation, leafKey, rank, requestedAtNs: req.requestedAtNs };
}

/**
 * Leaf indexes of the members allowed to add members, in order, the requester excepted. In a
 * DM every installation adds the two inboxes' new installations: any other leaf answers (the
 * peer's, or the requester's own other device).
 */
function responders(group: GroupHandle, requester: string, dm: boolean): number[] {
  const others = leavesOf(group.state.ratchetTree).filter(
    (l) => toHex(l.leaf.signaturePublicKey) !== requester,
  );
  if (dm) return others.map((l) => l.leafIndex);
  const context = readGroupContext(group.state.groupContext.extensions);
  const policy = context.permissions.add_member;
  return others
    .filter((l) => allows(policy, roleOf(context, memberOf(l.leaf).inboxId)))
    .map((l) => l.leafIndex);
}

/** Whether the requester still holds the leaf it asked from (nobody re-added it yet). */
export async function stillNeeded(ctx: ClientContext, task: ReaddTask): Promise<boolean> {
  const group = await loadGroup(ctx, task.groupId);
  if (!group) return false;
  return leavesOf(group.state.ratchetTree).some(
    (l) =>
      toHex(l.leaf.signaturePublicKey) === task.installation &&
      toHex(l.leaf.hpkePublicKey) === task.leafKey,
  );
}

/** The task's request was answered (by this installation or another): it is spent here. */
export function readdServed(ctx: ClientContext, task: ReaddTask): Promise<void> {
  return markReaddServed(ctx.db, task.groupId, task.installation, task.requestedAtNs);
}

/** The commit: the installation's leaf removed and the installation added again from a fresh key package. */
export function planReadd(ctx: ClientContext, installation: string, leafKey: string) {
  return async (group: GroupHandle): Promise<PlannedChange | undefined> => {
    const leaf = leavesOf(group.state.ratchetTree).find(
      (l) => toHex(l.leaf.signaturePublicKey) === installation,
    );
    if (!leaf || toHex(leaf.leaf.hpkePublicKey) !== leafKey) return undefined; // done already
    const inbox = memberOf(leaf.leaf).inboxId;
    const [kp] = await ctx.api.fetchKeyPackages([fromHex(installation)]);
    const parsed = kp ? parseKeyPackage(kp) : undefined;
    // The node is not trusted to hand out the right key package.
    if (
      !kp ||
      !parsed ||
      parsed.inboxId !== inbox ||
      toHex(parsed.installationKey) !== installation
    )
      throw new ClientError(
        "key_package_missing",
        `installation ${installation.slice(0, 12)}… has no usable key package to be re-added with`,
        true,
      );
    const problem = lifetimeProblem(parsed.keyPackage);
    if (problem) throw new ClientError("key_package_lifetime", problem, true);
    return { remove: [fromHex(installation)], add: [{ bytes: kp, parsed }] };
  };
}
