// Planners: from the group's current state to the commit one change needs. Each runs
// again on every retry, so a lost race is rebuilt on the epoch that won.
import { equalBytes, fromHex, toHex } from "../../crypto";
import {
  groupMembers,
  hasMutableExtensions,
  lifetimeProblem,
  MAX_GROUP_SIZE,
  parseKeyPackageAsync,
  readGroupContext,
  validateMutableMetadata,
  type GroupContextState,
  type GroupHandle,
  type ParsedKeyPackage,
} from "../../mls";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";
import { verifiedInboxIds } from "../inbox-lookup";
import type { PlannedChange } from "./planned-change";

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const INBOX_RE = /^[0-9a-f]{64}$/;

export function contextOf(group: GroupHandle): GroupContextState {
  return readGroupContext(group.state.groupContext.extensions);
}

export function cloneContext(c: GroupContextState): GroupContextState {
  return {
    metadata: {
      attributes: { ...c.metadata.attributes },
      admins: [...c.metadata.admins],
      superAdmins: [...c.metadata.superAdmins],
    },
    membership: new Map(c.membership),
    permissions: { ...c.permissions },
  };
}

/**
 * The next extensions, starting from the current ones with the entries of inboxes that
 * hold no leaves after the commit dropped (`leaving`: inboxes whose every leaf it removes).
 */
export function nextContext(group: GroupHandle, leaving = new Set<string>()): GroupContextState {
  const c = cloneContext(contextOf(group));
  const inTree = new Set(
    groupMembers(group)
      .map((m) => m.inboxId)
      .filter((x) => !leaving.has(x)),
  );
  for (const inbox of [...c.membership.keys()]) if (!inTree.has(inbox)) c.membership.delete(inbox);
  c.metadata.admins = c.metadata.admins.filter((x) => c.membership.has(x));
  c.metadata.superAdmins = c.metadata.superAdmins.filter((x) => c.membership.has(x));
  return c;
}

/** Addresses (0x…) and inbox IDs → inbox IDs, in order, without duplicates. */
export async function resolveInboxes(ctx: ClientContext, ids: string[]): Promise<string[]> {
  const addresses = ids.filter((x) => ADDRESS_RE.test(x)).map((x) => x.toLowerCase());
  const found = await verifiedInboxIds(ctx.api, ctx.resolver, addresses);
  const out: string[] = [];
  for (const raw of ids) {
    let inbox: string | undefined;
    if (ADDRESS_RE.test(raw)) {
      inbox = found.get(raw.toLowerCase());
      if (!inbox) throw new ClientError("no_inbox", `${raw} has not activated messaging yet`);
    } else if (INBOX_RE.test(raw)) inbox = raw;
    else
      throw new ClientError(
        "invalid_address",
        `"${raw}" is neither an Ethereum address nor an inbox ID (64 lowercase hex)`,
      );
    if (!out.includes(inbox)) out.push(inbox);
  }
  return out;
}

/**
 * Key packages of every installation the inboxes' logs hold that is not in the group yet,
 * with each log's sequence id. Every installation must have one: the members check that
 * an added inbox brings exactly the installations of its log.
 */
export async function keyPackagesOf(
  ctx: ClientContext,
  group: GroupHandle,
  inboxes: string[],
): Promise<{ add: { bytes: Uint8Array; parsed: ParsedKeyPackage }[]; seq: Map<string, bigint> }> {
  const inTree = new Set(groupMembers(group).map((m) => toHex(m.installationKey)));
  const wanted: { inbox: string; key: string }[] = [];
  const seq = new Map<string, bigint>();
  // One batched query for every inbox (a new group of 250 made 249 round trips one by one).
  await ctx.resolver.refreshMany(inboxes);
  for (const inbox of inboxes) {
    const log = ctx.resolver.latestKnown(inbox);
    if (!log || log.installations.length === 0)
      throw new ClientError("no_installations", `inbox ${inbox} has no active installation`);
    seq.set(inbox, log.sequenceId);
    for (const key of log.installations) if (!inTree.has(key)) wanted.push({ inbox, key });
  }
  const fetched = await ctx.api.fetchKeyPackages(wanted.map((w) => fromHex(w.key)));
  // Verified with WebCrypto's Ed25519 where there is one (the commit reuses the result).
  const parsedAll = await Promise.all(
    fetched.map((kp) => (kp ? parseKeyPackageAsync(kp) : undefined)),
  );
  const add: { bytes: Uint8Array; parsed: ParsedKeyPackage }[] = [];
  for (const [i, kp] of fetched.entries()) {
    const want = wanted[i]!;
    const parsed = parsedAll[i];
    // The node is not trusted to hand out the right key package.
    if (
      !kp ||
      !parsed ||
      parsed.inboxId !== want.inbox ||
      toHex(parsed.installationKey) !== want.key
    )
      throw new ClientError(
        "key_package_missing",
        `installation ${want.key.slice(0, 12)}… of inbox ${want.inbox.slice(0, 12)}… has no usable key package on the node; try again shortly`,
        true,
      );
    const problem = lifetimeProblem(parsed.keyPackage);
    if (problem)
      throw new ClientError(
        "key_package_lifetime",
        `installation ${want.key.slice(0, 12)}… of inbox ${want.inbox.slice(0, 12)}…: ${problem}; it publishes a fresh one when it next opens`,
        true,
      );
    add.push({ bytes: kp, parsed });
  }
  return { add, seq };
}

export function planAdd(ctx: ClientContext, inboxes: string[], ownInstallations = false) {
  return async (group: GroupHandle): Promise<PlannedChange | undefined> => {
    const self = ctx.installation.inboxId;
    const context = nextContext(group);
    const targets = inboxes.filter((i) => i !== self && !context.membership.has(i));
    if (ownInstallations) targets.push(self);
    const max = ctx.maxGroupSize ?? MAX_GROUP_SIZE;
    const size = new Set([...context.membership.keys(), ...targets]).size;
    if (size > max)
      throw new ClientError(
        "group_too_large",
        `a group holds at most ${max} inboxes; this change makes ${size}`,
      );
    if (targets.length === 0) return undefined;
    const { add, seq } = await keyPackagesOf(ctx, group, targets);
    const own = ctx.installation.publicKey;
    const filtered = add.filter((a) => !equalBytes(a.parsed.installationKey, own));
    for (const [inbox, s] of seq) context.membership.set(inbox, s);
    if (filtered.length === 0 && targets.every((t) => t === self)) return undefined;
    return { add: filtered, context };
  };
}

/**
 * Removal is one commit: the MLS Remove of every installation of the inboxes together with
 * the extension update that drops their membership entries and roles. (ts-mls 1.6.4 could
 * not process a commit carrying an UpdatePath and new extensions; patches/ts-mls+1.6.4.patch
 * fixes it.) With nothing left to remove, stale entries are tidied (e.g. a removal made in
 * two commits by an older client that stopped between them).
 */
export function planRemove(ctx: ClientContext, inboxes: string[]) {
  return async (group: GroupHandle): Promise<PlannedChange | undefined> => {
    if (inboxes.includes(ctx.installation.inboxId))
      throw new ClientError(
        "invalid_argument",
        "you cannot remove yourself: leave the group instead",
      );
    const leaving = groupMembers(group).filter((m) => inboxes.includes(m.inboxId));
    if (leaving.length === 0) return planTidy()(group);
    const remove = leaving.map((m) => m.installationKey);
    // A DM has no mutable extensions to update.
    if (!hasMutableExtensions(group.state.groupContext.extensions)) return { remove };
    return { remove, context: nextContext(group, new Set(leaving.map((m) => m.inboxId))) };
  };
}

/** Drops the extension entries of inboxes that hold no leaves (nothing to do when none). */
export function planTidy() {
  return planContext(() => undefined);
}

/** Any change of the extensions alone (metadata, admins, permissions). */
export function planContext(edit: (c: GroupContextState) => void) {
  return async (group: GroupHandle): Promise<PlannedChange | undefined> => {
    const before = contextOf(group);
    const context = nextContext(group);
    edit(context);
    try {
      validateMutableMetadata(context.metadata, "invalid_argument");
    } catch (err) {
      throw new ClientError("invalid_argument", (err as Error).message);
    }
    const same =
      JSON.stringify(context.metadata) === JSON.stringify(before.metadata) &&
      context.membership.size === before.membership.size &&
      [...context.membership].every(([k, v]) => before.membership.get(k) === v) &&
      JSON.stringify(context.permissions) === JSON.stringify(before.permissions);
    return same ? undefined : { context };
  };
}
