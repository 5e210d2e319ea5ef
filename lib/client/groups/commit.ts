// Group changes as intents (PROTOCOL.md §2): each commit is stored before it is sent,
// then the group is read in node order. Our commit first for its epoch → merged, then
// the welcome goes out. Another commit first → ours is discarded, rebuilt on the new
// epoch and sent again, at most MAX_ATTEMPTS times in all.
import { fromHex, sha256, toHex } from "../../crypto";
import {
  commitChanges,
  commitViolation,
  groupMembers,
  hasMutableExtensions,
  inboxesOf,
  readGroupContext,
  type GroupContextState,
  type GroupHandle,
  type ParsedKeyPackage,
} from "../../mls";
import type { GroupMessage_V1 } from "../../proto/mls/api/v1/mls_pb";
import { getCursor, groupTopic, putIntent, updateIntent, type IntentKind } from "../../storage";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";
import { requireGroup, requireInSync, withGroupLock } from "./state";
import { applyEnvelopeLocked } from "../messages/receive";
import type { ReceiveLog } from "../types";

export const MAX_ATTEMPTS = 3;

/** What one change asks for, computed from the group's current state (again on each retry). */
export interface PlannedChange {
  add?: { bytes: Uint8Array; parsed: ParsedKeyPackage }[];
  remove?: Uint8Array[];
  /** New extensions; a removal carries none (see group-plans.ts). */
  context?: GroupContextState;
}

async function readAll(
  ctx: ClientContext,
  groupId: string,
  onEnvelope: (env: GroupMessage_V1) => Promise<void>,
): Promise<void> {
  for (;;) {
    const cursor = await getCursor(ctx.db, groupTopic(groupId));
    const page = await ctx.api.queryGroupMessages(fromHex(groupId), { cursor });
    for (const env of page) await onEnvelope(env);
    // An out-of-sync group keeps its cursor: stop instead of asking again and again.
    if (page.length < 100 || (await getCursor(ctx.db, groupTopic(groupId))) === cursor) return;
  }
}

/** Inboxes holding leaves after the planned change. */
function inboxesAfter(group: GroupHandle, plan: PlannedChange): Set<string> {
  const removed = new Set((plan.remove ?? []).map(toHex));
  const out = new Set(
    groupMembers(group)
      .filter((m) => !removed.has(toHex(m.installationKey)))
      .map((m) => m.inboxId),
  );
  for (const a of plan.add ?? []) out.add(a.parsed.inboxId);
  return out;
}

/** A welcome carries the whole ratchet tree (~110 KB at 250 members): send in batches under the node's request limit. */
const WELCOME_BATCH_BYTES = 4 * 1024 * 1024;

async function sendWelcomes(
  ctx: ClientContext,
  welcomes: { installationKey: Uint8Array; hpkePublicKey: Uint8Array; data: Uint8Array }[],
): Promise<void> {
  let batch: typeof welcomes = [];
  let size = 0;
  for (const w of welcomes) {
    if (batch.length > 0 && size + w.data.length > WELCOME_BATCH_BYTES) {
      await ctx.api.sendWelcomeMessages(batch);
      batch = [];
      size = 0;
    }
    batch.push(w);
    size += w.data.length;
  }
  if (batch.length > 0) await ctx.api.sendWelcomeMessages(batch);
}

export async function runGroupChange(
  ctx: ClientContext,
  groupId: string,
  kind: IntentKind,
  plan: (group: GroupHandle) => Promise<PlannedChange | undefined>,
  log?: ReceiveLog,
): Promise<void> {
  let lastLoss = "";
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const won = await withGroupLock(ctx, groupId, async () => {
      // Build on the newest epoch we can see.
      await readAll(ctx, groupId, async (env) => {
        await applyEnvelopeLocked(ctx, env, log);
      });
      await requireInSync(ctx, groupId);
      const group = await requireGroup(ctx, groupId);
      if (group.state.groupActiveState.kind !== "active")
        throw new ClientError("not_a_member", "this installation is no longer in the group");
      const change = await plan(group);
      if (!change) return true; // nothing left to do (e.g. already applied)
      const isGroup = hasMutableExtensions(group.state.groupContext.extensions);
      const before = isGroup ? readGroupContext(group.state.groupContext.extensions) : undefined;
      const violation = before
        ? commitViolation({
            committerInboxId: ctx.installation.inboxId,
            before,
            after: change.context ?? before,
            inboxesBefore: inboxesOf(group.state.ratchetTree),
            inboxesAfter: inboxesAfter(group, change),
          })
        : undefined; // a DM: its immutable dm_members pin the two inboxes, every member checks

      if (violation) throw new ClientError("not_allowed", `not allowed: ${violation}`);
      const out = await commitChanges(
        group,
        {
          ...(change.add ? { add: change.add.map((a) => a.bytes) } : {}),
          ...(change.remove ? { remove: change.remove } : {}),
          ...(change.context ? { context: change.context } : {}),
        },
        ctx.resolver.authenticate,
      );
      // Stored before it is sent: the echo is recognised by its hash.
      const intentId = await putIntent(ctx.db, {
        conversationId: groupId,
        kind,
        payload: out.commit,
        payloadHash: toHex(sha256(out.commit)),
        shouldPush: false,
      });
      try {
        await ctx.api.sendGroupMessages([{ data: out.commit, shouldPush: false }]);
      } catch (err) {
        await updateIntent(ctx.db, intentId, { status: "error", error: (err as Error).message });
        throw new ClientError(
          "commit_failed",
          `change not sent: ${(err as Error).message}`,
          true,
          err,
        );
      }
      await updateIntent(ctx.db, intentId, { status: "published", attempts: attempt });
      let outcome: "won" | "lost" | undefined;
      await readAll(ctx, groupId, async (env) => {
        const r = await applyEnvelopeLocked(ctx, env, log, outcome ? undefined : out.pending);
        if (outcome || r?.kind !== "commit") return;
        if (r.own) outcome = "won";
        else if (r.pendingDiscarded) outcome = "lost";
      });
      if (outcome === "won") {
        if (out.welcome && change.add?.length) {
          await sendWelcomes(
            ctx,
            change.add.map((k) => ({
              installationKey: k.parsed.installationKey,
              hpkePublicKey: k.parsed.keyPackage.initKey,
              data: out.welcome!,
            })),
          );
        }
        return true;
      }
      lastLoss =
        outcome === "lost"
          ? "another commit won the epoch"
          : "the commit was not seen in the group";
      await updateIntent(ctx.db, intentId, { status: "error", error: lastLoss });
      log?.("commit_retry", { groupId, attempt, reason: lastLoss });
      return false;
    });
    if (won) return;
  }
  throw new ClientError(
    "commit_failed",
    `change not applied after ${MAX_ATTEMPTS} attempts: ${lastLoss}`,
    true,
  );
}
