// The receive path: node envelopes → MLS → Dexie, strictly in node ID order per
// topic, each topic under its lock, cursors advanced after the state is saved.
import { fromHex, sha256, toHex } from "../../crypto";
import {
  ContentTypeLeaveRequest,
  contentTypeToString,
  decodePlaintextEnvelope,
  messageId,
} from "../../content";
import {
  isActive,
  MAX_PAST_EPOCHS,
  processMessage,
  readMessageHeader,
  type GroupHandle,
  type PendingCommit,
  type Processed,
} from "../../mls";
import { checkAgainstIdentityLogs, recordGroupUpdate } from "../groups/updates";
import { checkDmMembership } from "../groups/dm-rules";
import { noteTimer } from "../disappearing/timer";
import { leavesUsBehind } from "./commit-failure";
import { recordAppliedCommit } from "../forks/local-log";
import { failUndelivered } from "./undelivered";
import type { GroupMessage_V1 } from "../../proto/mls/api/v1/mls_pb";
import {
  deleteIntent,
  getCursor,
  groupTopic,
  markOutOfSync,
  readForReceive,
  putSealedMessage,
  sealMessageInput,
  setCursor,
  setMessageStatus,
  storeEcho,
  updateIntent,
  advanceCommitIntent,
  type IntentRow,
} from "../../storage";
import type { ClientContext } from "../context";
import type { ReceiveLog } from "../types";
import { decodeRow, previewOf, shouldPushOf } from "./decode";
import { storeWithState } from "./receive-store";
import { earlyOf, storedAs } from "./show-early";
import { decryptEarly, earlyResultFor } from "./decrypt-early";
import { dropForgedSystemLine } from "./system-lines";
import { incomingContentRule } from "./content-rules";
import { isOnScreen } from "../conversations/on-screen";
import { dropReady } from "../groups/ready";
import { holdGroupLock, loadGroup, saveGroup, withGroupLock } from "../groups/state";
import { weighEnvelope } from "../groups/lineages";
import { commitFate, pendingFromIntent, type CommitIntent } from "../groups/pending-commit";

const LEAVE_REQUEST = contentTypeToString(ContentTypeLeaveRequest);

/**
 * A failure that says nothing about the envelope (the node or an identity lookup was
 * unreachable): the cursor must not move past it, so it is applied again later.
 */
export function isTransient(err: unknown): boolean {
  return (
    typeof err === "object" && err !== null && (err as { retryable?: unknown }).retryable === true
  );
}

/** Applies one group envelope; returns quietly for duplicates and for envelopes it cannot use. */
export async function applyGroupEnvelope(
  ctx: ClientContext,
  env: GroupMessage_V1,
  log?: ReceiveLog,
): Promise<void> {
  const groupId = toHex(env.groupId);
  await withGroupLock(ctx, groupId, () => applyEnvelopeLocked(ctx, env, log));
  holdGroupLock(ctx, groupId); // the next envelope (or a reply) rarely waits long
}

/**
 * The same, for a caller that already holds the group's lock. With `pending` (our own
 * unmerged commit) the result says whether it won (`own`) or lost (`pendingDiscarded`).
 * Without it, a commit intent stored before a crash stands in for it, so whichever path
 * reads the group next merges or discards that commit in node order.
 */
export async function applyEnvelopeLocked(
  ctx: ClientContext,
  env: GroupMessage_V1,
  log?: ReceiveLog,
  pending?: PendingCommit,
): Promise<Processed | undefined> {
  const result = await applyToActiveState(ctx, env, log, pending);
  // Other welcome lineages of this id (groups/lineages.ts) weigh what the active state
  // could not use; when one is adopted, the topic is read again under its state.
  const groupId = toHex(env.groupId);
  const weighed = await weighEnvelope(ctx, groupId, env.data, result, log);
  if (weighed?.kind === "adopted") await replayTopicLocked(ctx, groupId, log);
  return result;
}

/** Reads a group's topic from its cursor to its end; the caller holds the group's lock. */
export async function replayTopicLocked(
  ctx: ClientContext,
  groupId: string,
  log?: ReceiveLog,
): Promise<void> {
  const topic = groupTopic(groupId);
  for (;;) {
    const cursor = await getCursor(ctx.db, topic);
    const page = await ctx.api.queryGroupMessages(fromHex(groupId), { cursor });
    for (const m of page) await applyEnvelopeLocked(ctx, m, log);
    if (page.length < 100 || (await getCursor(ctx.db, topic)) === cursor) break;
  }
}

async function applyToActiveState(
  ctx: ClientContext,
  env: GroupMessage_V1,
  log?: ReceiveLog,
  pending?: PendingCommit,
): Promise<Processed | undefined> {
  const groupId = toHex(env.groupId);
  const topic = groupTopic(groupId);
  // Decrypting starts with this tab's copy of the state, beside the one read transaction that
  // says whether it is still the stored one (we hold the lock).
  const early = decryptEarly(ctx, groupId, env);
  const reads = await readForReceive(ctx.db, groupId, toHex(sha256(env.data)));
  if (env.id <= reads.cursor) return undefined; // already applied
  // Out of sync: nothing after the commit we could not apply is tried; the cursor stays
  // before it, so recovery (issue 12) finds every envelope still on the node.
  if (reads.outOfSync) return undefined;
  const own = reads.own;
  let result: Processed | undefined;
  /** Whether a write below already moved the cursor past this envelope (in its transaction). */
  const moved = { cursor: false };
  if (own && own.kind === "send_message") {
    moved.cursor = await acknowledgeOwn(ctx, own, env);
  } else {
    const group = await loadGroup(ctx, groupId, { stamp: reads.stateStamp });
    // Removed: nothing after our removal is ours to read. The cursor stays just past it, so
    // the commit of a later re-add is still found there (forks/readd-welcome.ts).
    if (group && !isActive(group)) return undefined;
    const intent = group ? (reads.commitIntent as CommitIntent | undefined) : undefined;
    const fate = intent && group ? commitFate(intent, group) : undefined;
    if (own && !own.commit && own.status !== "error" && pending === undefined) {
      moved.cursor = await acknowledgeOwn(ctx, own, env); // finished before: its state holds it already
    } else if (own && intent?.id === own.id && fate !== "unseen") {
      // Our commit's echo, the state already past its epoch: merged before a crash, or lost.
      if (fate === "merged") await commitMerged(ctx, intent!);
      else await advanceCommitIntent(ctx.db, own.id!, { phase: "lost" });
    } else if (group) {
      const live = pending ?? (intent ? await pendingFromIntent(ctx, intent, group) : undefined);
      const outcome = await decryptAndStore(ctx, group, env, log, live, moved, {
        early: earlyResultFor(early, group, live),
      });
      if (outcome === BEHIND) return undefined; // the cursor stays before this commit
      result = outcome;
      if (intent && result?.kind === "commit" && live) {
        if (result.own) await commitMerged(ctx, intent);
        else if (result.pendingDiscarded)
          await advanceCommitIntent(ctx.db, intent.id!, { phase: "lost" });
      }
    }
  }
  if (!moved.cursor) await setCursor(ctx.db, topic, env.id);
  return result;
}

/** Merged: done, unless welcomes still have to go out (groups/commit-recovery.ts sends them). */
async function commitMerged(ctx: ClientContext, intent: CommitIntent): Promise<void> {
  if (intent.commit.welcome) await advanceCommitIntent(ctx.db, intent.id!, { phase: "merged" });
  else await advanceCommitIntent(ctx.db, intent.id!, { finish: "committed" });
}

/**
 * Our own envelope came back in node order: it now has the node's id and timestamp. True:
 * the topic's cursor moved with it.
 */
async function acknowledgeOwn(
  ctx: ClientContext,
  intent: IntentRow,
  env: GroupMessage_V1,
): Promise<boolean> {
  // Sealed more than MAX_PAST_EPOCHS before the epoch the group reached ahead of it in node
  // order: every member drops it (epoch_too_old). It is sealed again and sent once more.
  const stored = await ctx.db.groups.get(toHex(env.groupId));
  if (
    intent.messageId &&
    stored &&
    BigInt(stored.epoch) - readMessageHeader(env.data).epoch > MAX_PAST_EPOCHS
  ) {
    await deleteIntent(ctx.db, intent.id!);
    await setMessageStatus(ctx.db, intent.messageId, "pending");
    setTimeout(() => ctx.resumeOutbox?.(), 0); // once this group's lock is released
    return false;
  }
  if (intent.messageId) {
    // Published, intent done and cursor past it in one write (the caller skips its own).
    const row = await storeEcho(ctx.db, {
      messageId: intent.messageId,
      intentId: intent.id!,
      nodeId: env.id,
      sentAtNs: env.createdNs,
      cursor: { topic: groupTopic(toHex(env.groupId)), nodeId: env.id },
    });
    if (row) ctx.bus.emit(await decodeRow(ctx.codecs, row));
    return true;
  }
  await updateIntent(ctx.db, intent.id!, { status: "committed" });
  return false;
}

/** decryptAndStore's answer when a member's commit could not be applied here. */
const BEHIND = Symbol("out_of_sync");

async function decryptAndStore(
  ctx: ClientContext,
  group: GroupHandle,
  env: GroupMessage_V1,
  log?: ReceiveLog,
  pending?: PendingCommit,
  moved = { cursor: false },
  /** The same decryption, already started (decrypt-early.ts). */
  { early }: { early?: Promise<Processed> } = {},
): Promise<Processed | typeof BEHIND | undefined> {
  let processed;
  try {
    processed = await (early ??
      processMessage(group, env.data, ctx.resolver.authenticate, pending ? { pending } : {}));
    if (processed.kind === "commit") {
      // The DM rule first: DMs carry the membership extension too (as libxmtp's), and its
      // refusal is a policy one that every member makes alike (commit-failure.ts).
      await checkDmMembership(ctx, group, processed.group, {
        committerInstallationKey: processed.committerInstallationKey,
        createdNs: env.createdNs,
      });
      await checkAgainstIdentityLogs(ctx, group, processed.group);
    }
  } catch (err) {
    if (isTransient(err)) throw err;
    if (leavesUsBehind(group, env.data, err)) {
      // Never skipped silently: the others applied it, so skipping would fork us for good.
      dropReady(ctx, toHex(env.groupId));
      const { code } = err as { code?: unknown };
      await markOutOfSync(ctx.db, env.groupId, {
        code: typeof code === "string" ? code : "unknown",
        reason: (err as Error).message,
        sinceNodeId: env.id,
      });
      log?.("conversation_out_of_sync", {
        groupId: toHex(env.groupId),
        id: env.id.toString(),
        error: (err as Error).message,
      });
      return BEHIND;
    }
    // One bad envelope must not stall the conversation: note it and move past it.
    const code = (err as { code?: unknown }).code;
    const reason = typeof code === "string" ? code : "unknown";
    ctx.diagnostics.drop(reason);
    log?.("envelope_rejected", {
      groupId: toHex(env.groupId),
      id: env.id.toString(),
      code: reason,
      error: (err as Error).message,
    });
    return undefined;
  }
  if (processed.kind === "application") {
    const envelope = decodePlaintextEnvelope(processed.plaintext);
    if (
      envelope.kind === "content" &&
      !dropForgedSystemLine(ctx, env, envelope.content, processed.senderInboxId, log)
    ) {
      const id = messageId(env.groupId, envelope.idempotencyKey, envelope.content);
      const decoded = await ctx.codecs.decodeBytes(envelope.content).catch(() => undefined);
      const conversationId = toHex(env.groupId);
      // A delete or an edit by someone not allowed to make it changes nothing here.
      const rule = await incomingContentRule(
        ctx,
        conversationId,
        processed.group,
        processed.senderInboxId,
        env.createdNs,
        decoded,
      );
      if (rule.drop) {
        ctx.diagnostics.drop(rule.drop.code);
        log?.("message_dropped", {
          groupId: conversationId,
          id: env.id.toString(),
          code: rule.drop.code,
          senderInboxId: processed.senderInboxId,
          contentType: decoded?.contentType,
          error: rule.drop.reason,
        });
      }
      const sealed = rule.drop
        ? undefined
        : await sealMessageInput(
            ctx.db,
            {
              id,
              conversationId,
              senderInboxId: processed.senderInboxId,
              sentAtNs: env.createdNs,
              contentType: decoded?.contentType ?? "unknown",
              encodedContent: envelope.content,
              status: "published",
              nodeId: env.id,
            },
            decoded && !shouldPushOf(ctx.codecs, decoded)
              ? { silent: true } // a leave request, reaction or receipt: not a new message to read
              : {
                  incoming:
                    processed.senderInboxId !== ctx.installation.inboxId &&
                    !isOnScreen(ctx, conversationId),
                  preview: previewOf(decoded?.content, decoded?.fallback),
                },
          );
      // Authenticated by MLS and accepted by every rule above: an open thread shows it now,
      // not after the write and its live query (arrivals.ts). Not an edit or a delete: those
      // change other rows after the write.
      const early = sealed && !rule.afterStore ? await earlyOf(ctx, sealed) : undefined;
      if (early) ctx.arrivals.show(early);
      let one: { inserted: boolean } | undefined;
      let inserted = false;
      try {
        // Message, advanced state and cursor in one write when this tab holds the state it
        // decrypted with (nearly always); else the message, then the state below.
        one = await storeWithState(ctx, group, processed.group, sealed, env.id);
        ({ inserted } = one
          ? one
          : sealed
            ? await putSealedMessage(ctx.db, sealed)
            : { inserted: false });
      } finally {
        // Stored nothing (a duplicate) or failed (read again later): taken back.
        if (early && !inserted) ctx.arrivals.withdraw(early);
      }
      moved.cursor = one !== undefined;
      if (inserted) {
        await rule.afterStore?.();
        // Inserted: the row is the one sealed here, as the write completed it.
        ctx.bus.emit(await storedAs(ctx, early, sealed!));
        if (decoded?.contentType === LEAVE_REQUEST)
          ctx.onLeaveRequest?.(processed.group, processed.senderInboxId, log);
      }
      if (one) return processed;
    }
  }
  await saveGroup(ctx, processed.group);
  if (processed.kind === "commit") {
    // Messages after this commit in node order take the timer it leaves (every member alike).
    await noteTimer(ctx, processed.group);
    await recordGroupUpdate(ctx, group, processed, env);
    // The epoch reached, for the commit log (fork detection; published off this path).
    await recordAppliedCommit(ctx, group, processed.group, env.id, log, processed.own);
    // Removed by this commit: what we sent and have not read back comes after it.
    if (isActive(group) && !isActive(processed.group))
      await failUndelivered(ctx, toHex(env.groupId), log);
  }
  return processed;
}
