// The receive path: node envelopes → MLS → Dexie, strictly in node ID order per
// topic, each topic under its lock, cursors advanced after the state is saved.
import { sha256, toHex } from "../../crypto";
import {
  ContentTypeLeaveRequest,
  contentTypeToString,
  decodePlaintextEnvelope,
  messageId,
} from "../../content";
import {
  groupMetadata,
  joinFromWelcome,
  processMessage,
  type GroupHandle,
  type PendingCommit,
  type Processed,
} from "../../mls";
import { checkAgainstIdentityLogs, groupNameOf, recordGroupUpdate } from "../groups/updates";
import { leavesUsBehind } from "./commit-failure";
import type { GroupMessage_V1, WelcomeMessage_V1 } from "../../proto/mls/api/v1/mls_pb";
import {
  addMessage,
  dmIdFor,
  getConversation,
  getCursor,
  getMessage,
  groupTopic,
  intentByPayloadHash,
  listKeyPackages,
  markOutOfSync,
  setCursor,
  setMessageStatus,
  updateIntent,
  upsertConversation,
  welcomeTopic,
  type IntentRow,
} from "../../storage";
import type { ClientContext } from "../context";
import type { ReceiveLog } from "../types";
import { decodeRow, previewOf, shouldPushOf } from "./decode";
import { applyConsent } from "../consent/consent";
import { loadGroup, saveGroup, withGroupLock } from "../groups/state";
import { rotateKeyPackage } from "../devices/key-packages";
import { withLock } from "../locks";

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
  await withGroupLock(ctx, toHex(env.groupId), () => applyEnvelopeLocked(ctx, env, log));
}

/**
 * The same, for a caller that already holds the group's lock. With `pending` (our own
 * unmerged commit) the result says whether it won (`own`) or lost (`pendingDiscarded`).
 */
export async function applyEnvelopeLocked(
  ctx: ClientContext,
  env: GroupMessage_V1,
  log?: ReceiveLog,
  pending?: PendingCommit,
): Promise<Processed | undefined> {
  const groupId = toHex(env.groupId);
  const topic = groupTopic(groupId);
  if (env.id <= (await getCursor(ctx.db, topic))) return undefined; // already applied
  // Out of sync: nothing after the commit we could not apply is tried; the cursor stays
  // before it, so recovery (issue 12) finds every envelope still on the node.
  if ((await getConversation(ctx.db, groupId))?.outOfSync) return undefined;
  const own = await intentByPayloadHash(ctx.db, toHex(sha256(env.data)));
  let result: Processed | undefined;
  if (own && (own.kind === "send_message" || (pending === undefined && own.status !== "error"))) {
    await acknowledgeOwn(ctx, own, env);
  } else {
    const group = await loadGroup(ctx, groupId);
    const outcome = group ? await decryptAndStore(ctx, group, env, log, pending) : undefined;
    if (outcome === BEHIND) return undefined; // the cursor stays before this commit
    result = outcome;
    if (own && result?.kind === "commit" && result.own)
      await updateIntent(ctx.db, own.id!, { status: "committed" });
  }
  await setCursor(ctx.db, topic, env.id);
  return result;
}

/** Our own envelope came back in node order: it now has the node's id and timestamp. */
async function acknowledgeOwn(
  ctx: ClientContext,
  intent: IntentRow,
  env: GroupMessage_V1,
): Promise<void> {
  if (intent.messageId) {
    await setMessageStatus(ctx.db, intent.messageId, "published", {
      nodeId: env.id,
      sentAtNs: env.createdNs,
    });
    const row = await getMessage(ctx.db, intent.messageId);
    if (row) ctx.bus.emit(await decodeRow(ctx.codecs, row));
  }
  await updateIntent(ctx.db, intent.id!, { status: "committed" });
}

/** decryptAndStore's answer when a member's commit could not be applied here. */
const BEHIND = Symbol("out_of_sync");

async function decryptAndStore(
  ctx: ClientContext,
  group: GroupHandle,
  env: GroupMessage_V1,
  log?: ReceiveLog,
  pending?: PendingCommit,
): Promise<Processed | typeof BEHIND | undefined> {
  let processed;
  try {
    processed = await processMessage(
      group,
      env.data,
      ctx.resolver.authenticate,
      pending ? { pending } : {},
    );
    if (processed.kind === "commit") await checkAgainstIdentityLogs(ctx, group, processed.group);
  } catch (err) {
    if (isTransient(err)) throw err;
    if (leavesUsBehind(group, env.data, err)) {
      // Never skipped silently: the others applied it, so skipping would fork us for good.
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
    log?.("envelope_rejected", {
      groupId: toHex(env.groupId),
      id: env.id.toString(),
      error: (err as Error).message,
    });
    return undefined;
  }
  if (processed.kind === "application") {
    const envelope = decodePlaintextEnvelope(processed.plaintext);
    if (envelope.kind === "content") {
      const id = messageId(env.groupId, envelope.idempotencyKey, envelope.content);
      const decoded = await ctx.codecs.decodeBytes(envelope.content).catch(() => undefined);
      const conversationId = toHex(env.groupId);
      const { inserted } = await addMessage(
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
              incoming: processed.senderInboxId !== ctx.installation.inboxId,
              preview: previewOf(decoded?.content, decoded?.fallback),
            },
      );
      if (inserted) {
        const row = await getMessage(ctx.db, id);
        if (row) ctx.bus.emit(await decodeRow(ctx.codecs, row));
        if (decoded?.contentType === LEAVE_REQUEST)
          ctx.onLeaveRequest?.(processed.group, processed.senderInboxId, log);
      }
    }
  }
  await saveGroup(ctx, processed.group);
  if (processed.kind === "commit") await recordGroupUpdate(ctx, group, processed, env);
  return processed;
}

/** Joins the group a welcome invites this installation to; returns its id (hex) when new. */
export async function applyWelcome(
  ctx: ClientContext,
  env: WelcomeMessage_V1,
  log?: ReceiveLog,
): Promise<string | undefined> {
  return withLock(`${ctx.lockPrefix}:welcomes`, async () => {
    const topic = welcomeTopic(toHex(ctx.installation.publicKey));
    if (env.id <= (await getCursor(ctx.db, topic))) return undefined;
    let joined: GroupHandle | undefined;
    let lastError: unknown;
    let transient: unknown;
    // Newest key package first; an older one may have been fetched just before a rotation.
    for (const kp of await listKeyPackages(ctx.db)) {
      try {
        joined = await joinFromWelcome({
          welcome: env.data,
          keyPackagePrivate: kp.privateBytes,
          keyPackageBytes: kp.publicBytes,
          signer: ctx.installation,
          auth: ctx.resolver.authenticate,
        });
        break;
      } catch (err) {
        lastError = err;
        if (isTransient(err)) transient = err;
      }
    }
    let newGroupId: string | undefined;
    if (joined) {
      const groupId = toHex(joined.groupId);
      const known = await getConversation(ctx.db, groupId);
      // A conversation imported from history has its row but no MLS state until this welcome.
      if (known && !(await loadGroup(ctx, groupId))) {
        await withGroupLock(ctx, groupId, () => saveGroup(ctx, joined));
        newGroupId = groupId;
      }
      if (!known) {
        await withGroupLock(ctx, groupId, () => saveGroup(ctx, joined));
        const meta = groupMetadata(joined);
        const self = ctx.installation.inboxId;
        const peer = meta.dmMembers?.find((m) => m !== self);
        const peerState = peer ? await ctx.resolver.state(peer).catch(() => undefined) : undefined;
        const peerAddress = peerState ? [...peerState.addresses.keys()][0] : undefined;
        await upsertConversation(ctx.db, {
          id: groupId,
          kind: meta.conversationType,
          createdAtNs: env.createdNs,
          ...groupNameOf(joined),
          ...(meta.conversationType === "dm" && peer
            ? {
                peerInboxId: peer,
                dmId: dmIdFor(self, peer),
                ...(peerAddress ? { peerAddress } : {}),
              }
            : {}),
        });
        // Someone else's invitation stays "unknown" (a request). One this inbox made on another
        // device is allowed, stamped 0 so any real record (say, a synced block) still wins.
        if (meta.creatorInboxId === self && meta.conversationType !== "sync")
          await applyConsent(ctx, [
            { entity: { kind: "conversation", id: groupId }, state: "allowed", consentedAtNs: 0n },
          ]);
        newGroupId = groupId;
        // The key package that opened this welcome is spent: publish a fresh one.
        await rotateKeyPackage(ctx).catch((err) =>
          log?.("key_package_rotation_failed", { error: (err as Error).message }),
        );
      }
    } else {
      if (transient) throw transient;
      log?.("welcome_rejected", {
        id: env.id.toString(),
        error: (lastError as Error | undefined)?.message ?? "no key package",
      });
    }
    await setCursor(ctx.db, topic, env.id);
    return newGroupId;
  });
}
