// The identity-log fold: (state, update) -> new state, enforcing XMTP's association
// rules plus this network's limits. Pure: the input state is never modified; a failing
// update throws and changes nothing.
import type { IdentityUpdate } from "../proto/identity/associations/association_pb";
import { applyAction, type Ctx, type Draft } from "./actions";
import { IdentityError } from "./errors";
import { signatureText } from "./signature-text";
import type { AssociationState } from "./state";
import type { VerifyOptions } from "./verify";

export const MAX_INSTALLATIONS_PER_INBOX = 10;
export const MAX_IDENTITY_UPDATES_PER_INBOX = 256;

/** Applies one update to `state` (undefined for a new inbox). Never mutates `state`; throws IdentityError. */
export async function applyIdentityUpdate(
  state: AssociationState | undefined,
  update: IdentityUpdate,
  opts: VerifyOptions = {},
): Promise<AssociationState> {
  const maxUpdates = opts.maxUpdates ?? MAX_IDENTITY_UPDATES_PER_INBOX;
  const maxInstallations = opts.maxInstallations ?? MAX_INSTALLATIONS_PER_INBOX;
  if (state && state.updateCount >= maxUpdates) {
    throw new IdentityError(
      "log_full",
      `inbox log is full: an inbox may have at most ${maxUpdates} identity updates`,
    );
  }
  if (state && update.inboxId !== state.inboxId) {
    throw new IdentityError(
      "inbox_id_mismatch",
      "every update's inbox_id must be the inbox it is applied to",
      `update names ${update.inboxId}, inbox is ${state.inboxId}`,
    );
  }
  if (!state && update.actions[0]?.kind.case !== "createInbox") {
    throw new IdentityError(
      "not_create_inbox_first",
      "the first action of an inbox's first update must be CreateInbox",
    );
  }
  const ctx: Ctx = {
    text: signatureText(update),
    opts,
    seen: state?.seenSignatures ?? new Set(),
    fingerprints: [],
    timestampNs: update.clientTimestampNs,
    cache: new Map(),
  };
  let draft: Draft | undefined = state && {
    inboxId: state.inboxId,
    recoveryAddress: state.recoveryAddress,
    addresses: new Map(state.addresses),
    installations: new Map(state.installations),
  };
  for (const [i, action] of update.actions.entries())
    draft = await applyAction(draft, action, i, ctx);
  const d = draft!; // non-empty actions (checked by signatureText) always yield a draft

  if (d.inboxId !== update.inboxId) {
    throw new IdentityError(
      "inbox_id_mismatch",
      "inbox_id must equal inboxIdFor(initial address, nonce)",
      `update names ${update.inboxId}, CreateInbox gives ${d.inboxId}`,
    );
  }
  if (d.installations.size > maxInstallations) {
    throw new IdentityError(
      "too_many_installations",
      `an inbox may hold at most ${maxInstallations} installations; revoke one first`,
      `this update would leave ${d.installations.size}`,
    );
  }
  const seenSignatures = new Set(ctx.seen);
  for (const fp of ctx.fingerprints) seenSignatures.add(fp);
  return {
    inboxId: d.inboxId,
    recoveryAddress: d.recoveryAddress,
    addresses: d.addresses,
    installations: d.installations,
    seenSignatures,
    updateCount: (state?.updateCount ?? 0) + 1,
  };
}

/** Folds a whole log in order; any invalid update fails the fold. */
export async function foldIdentityLog(
  updates: IdentityUpdate[],
  opts: VerifyOptions = {},
): Promise<AssociationState> {
  if (updates.length === 0)
    throw new IdentityError(
      "not_create_inbox_first",
      "an identity log must start with a CreateInbox update",
    );
  let state: AssociationState | undefined;
  for (const u of updates) state = await applyIdentityUpdate(state, u, opts);
  return state!;
}

/** The node's clock check: a client timestamp more than `maxSkewNs` (1 h) from `nowNs` is refused. */
export function checkClientTimestamp(
  update: IdentityUpdate,
  nowNs: bigint,
  maxSkewNs = 3_600_000_000_000n,
): void {
  const diff = update.clientTimestampNs - nowNs;
  if (diff > maxSkewNs || -diff > maxSkewNs) {
    throw new IdentityError(
      "timestamp_out_of_range",
      `client_timestamp_ns must be within ${maxSkewNs / 1_000_000_000n} s of the node's clock`,
      `off by ${diff / 1_000_000_000n} s`,
    );
  }
}
