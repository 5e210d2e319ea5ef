// The send path: the message is stored as `pending` before anything else (shown at
// once, never lost by a reload), encrypted under the group's lock with the new
// ratchet state and the ciphertext saved together, then published. A failed
// publish leaves the message `failed` with its ciphertext kept for a retry.
import { fromHex, sha256, toHex } from "../../crypto";
import {
  contentTypeToString,
  encodeEncodedContent,
  encodePlaintextEnvelope,
  messageId,
  type ContentTypeId,
} from "../../content";
import { encryptApplication, isActive, readMessageHeader } from "../../mls";
import {
  getConversation,
  getMessage,
  intentForMessage,
  markPublished,
  nextIntents,
  nsFromKey,
  messagesWithStatus,
  putIntent,
  sealMessageInput,
  setMessageStatus,
  updateIntent,
  type MessageRow,
} from "../../storage";
import type { ClientContext } from "../context";
import { decodeRow, previewOf } from "./decode";
import { catchUpCommitsLocked } from "./catch-up";
import { allowOnSend } from "../consent/consent";
import { syncGroupInstallationsIfDue } from "../groups/installations";
import { finishGroupCommits } from "../groups/commit";
import { ClientError } from "../errors";
import { requireGroup, requireInSync, saveGroup, withGroupLock } from "../groups/state";
import type { DecodedMessage } from "../types";
import { storeAndSeal, type ReadyIntent } from "./send-at-once";
import { earlyOf, storedAs } from "./show-early";

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

export interface SendOptions {
  /** Told the new message's id once it is stored, before publishing (which may fail). */
  onStored?: (id: string) => void;
  /**
   * The idempotency key's time, chosen and remembered by the caller beforehand: sending again
   * with it finds the stored message (and publishes it if it is not yet) instead of making a
   * second one. Receivers drop a message id they already have, as libxmtp does.
   */
  sentAtNs?: bigint;
}

export async function sendContent(
  ctx: ClientContext,
  conversationId: string,
  type: ContentTypeId,
  content: unknown,
  opts: SendOptions = {},
): Promise<DecodedMessage> {
  const codec = ctx.codecs.codecFor(type);
  const encoded = encodeEncodedContent(ctx.codecs.encode(type, content));
  const sentAtNs = opts.sentAtNs ?? nowNs();
  const shouldPush = codec?.shouldPush(content) ?? true;
  // libxmtp's idempotency key: the sender's clock in ns, as decimal (also our row's sentAtNs).
  const id = messageId(fromHex(conversationId), sentAtNs.toString(), encoded);
  if (opts.sentAtNs !== undefined) {
    // Sent before (a run cut short by a reload): the same message, never a second one.
    const had = await getMessage(ctx.db, id);
    if (had)
      return had.status === "published" ? decodeRow(ctx.codecs, had) : publishMessage(ctx, id);
  }
  const sealed = await sealMessageInput(
    ctx.db,
    {
      id,
      conversationId,
      senderInboxId: ctx.installation.inboxId,
      sentAtNs,
      contentType: contentTypeToString(type),
      encodedContent: encoded,
      status: "pending",
    },
    codec?.shouldPush(content) === false
      ? { silent: true }
      : { preview: previewOf(content, codec?.fallback(content)) },
  );
  // The own bubble, pending, without waiting for the thread's re-read (arrivals.ts) — yet
  // only once the message is stored (what is shown as sent must survive a reload), and never
  // before the publish: its render on the page's one thread would hold up the request.
  const early = await earlyOf(ctx, sealed);
  let shown = false;
  const show = () => {
    if (early && !shown) ctx.arrivals.show(early);
    shown = true;
  };
  // Under a generation taken while typing (groups/ready.ts), the request leaves before the
  // write: the publish starts here, and waits for the write only to mark the message sent.
  let sentNow: Promise<DecodedMessage> | undefined;
  const sendNow = (intent: ReadyIntent) => {
    sentNow = publishMessage(ctx, id, intent);
    void sentNow.catch(() => undefined); // awaited below, or failed for the long path to retry
  };
  // Shown once the message's own write committed, when it is stored before it is sealed.
  const ready: ReadyIntent | undefined = await storeAndSeal(ctx, sealed, shouldPush, show, sendNow);
  const row = sealed.clear;
  opts.onStored?.(id);
  // What the thread and the search index see of it, stored.
  const stored = async () => {
    show();
    if (early || ctx.onOwnStored) ctx.onOwnStored?.(await storedAs(ctx, early, sealed));
  };
  if (ready) {
    // Sealed and stored with the message: out at once. Consent is not urgent (three reads):
    // after the publish, so the page's work does not sit inside the round trip.
    try {
      // The request leaves in this task's microtasks; the bubble renders in a later task.
      const published = sentNow ?? publishMessage(ctx, id, ready);
      const [, message] = await Promise.all([stored(), published]);
      return message;
    } finally {
      await allowOnSend(ctx, await getConversation(ctx.db, conversationId), type);
    }
  }
  await stored();
  const conv = await getConversation(ctx.db, conversationId);
  // Sending is choosing to talk: the conversation becomes allowed (receipts aside). Beside
  // the send, not in front of it (three reads); a failure still fails the call, after it.
  const allowed = allowOnSend(ctx, conv, type).then(
    () => undefined,
    (err: unknown) => err,
  );
  // Out of sync: the message waits, stored as pending, until recovery (resumeOutbox sends it).
  // Contested (two welcomes, groups/lineages.ts): it waits too, never sealed for a group
  // that may be a former member's fake; it goes out to the lineage that wins.
  if (conv?.outOfSync || conv?.contested) {
    await rethrow(allowed);
    return decodeRow(ctx.codecs, row);
  }
  // A commit a crash interrupted is finished first: the message is sealed in the epoch
  // the group really is in (next send tries again when the node is unreachable).
  await finishGroupCommits(ctx, conversationId).catch(() => undefined);
  // New devices of the members join (revoked ones leave) before this message is sealed;
  // checked at most every few seconds (a send must not wait on every member's log).
  await syncGroupInstallationsIfDue(ctx, conversationId).catch(() => undefined); // next send tries again
  try {
    await encryptForSending(ctx, row, shouldPush);
    return await publishMessage(ctx, id);
  } finally {
    await rethrow(allowed);
  }
}

/** Throws what a side task settled with, if it failed. */
async function rethrow(settled: Promise<unknown>): Promise<void> {
  const err = await settled;
  if (err !== undefined) throw err;
}

/** Encrypts a stored message and keeps the ciphertext as an intent (to_publish). */
async function encryptForSending(
  ctx: ClientContext,
  row: MessageRow,
  shouldPush: boolean,
): Promise<void> {
  const idempotencyKey = nsFromKey(row.sentAtNs).toString();
  await withGroupLock(ctx, row.conversationId, async () => {
    if (await intentForMessage(ctx.db, row.id)) return; // another tab got here first
    // Sealed in the epoch the group is in: commits waiting on the node first (an unreachable
    // node fails the publish below anyway, so the message stays for a retry either way).
    await catchUpCommitsLocked(ctx, row.conversationId).catch(() => undefined);
    await requireInSync(ctx, row.conversationId); // never sealed under a state the group left
    const group = await requireGroup(ctx, row.conversationId);
    if (!isActive(group)) {
      // The catch-up just read our removal: the message stays, marked failed, never sealed.
      await setMessageStatus(ctx.db, row.id, "failed");
      throw new ClientError(
        "not_a_member",
        "you are no longer a member of this conversation: the message was not sent",
      );
    }
    const plaintext = encodePlaintextEnvelope(row.encodedContent, idempotencyKey);
    const { group: next, message } = await encryptApplication(group, plaintext);
    // State and ciphertext are saved before sending: a ratchet secret is never reused.
    await saveGroup(ctx, next);
    await putIntent(ctx.db, {
      conversationId: row.conversationId,
      kind: "send_message",
      payload: message,
      messageId: row.id,
      payloadHash: toHex(sha256(message)),
      shouldPush,
    });
  });
}

/** (Re)publishes a stored message's ciphertext; the node stores identical bytes once. */
export async function publishMessage(
  ctx: ClientContext,
  id: string,
  /** Its intent, when the caller just stored it (send-at-once.ts): not read again. */
  ready?: ReadyIntent,
): Promise<DecodedMessage> {
  const intent = ready ?? (await intentForMessage(ctx.db, id));
  if (!intent) throw new ClientError("send_failed", `message ${id} has nothing to publish`);
  await ctx.testHooks?.sendStep?.("before_publish");
  try {
    readMessageHeader(intent.payload); // never send bytes we could not have made
    // Without the HMAC the message still goes out; only the sender's own devices may be pushed.
    const senderHmac = await (ready?.senderHmac ??
      ctx.pushSenderHmac?.(intent.payload).catch(() => undefined));
    await ctx.api.sendGroupMessages([
      {
        data: intent.payload,
        shouldPush: intent.shouldPush ?? true,
        ...(senderHmac ? { senderHmac } : {}),
      },
    ]);
    const row = await markPublished(
      ctx.db,
      id,
      intent.status === "to_publish"
        ? { id: await intent.id!, attempts: intent.attempts + 1 }
        : undefined,
    );
    if (row) return decodeRow(ctx.codecs, row);
  } catch (err) {
    // An intent whose write failed has no row to note the attempt in.
    const intentId = await Promise.resolve(intent.id).catch(() => undefined);
    if (intentId !== undefined)
      await updateIntent(ctx.db, intentId, {
        attempts: intent.attempts + 1,
        error: (err as Error).message,
      });
    await setMessageStatus(ctx.db, id, "failed");
    throw new ClientError("send_failed", `message not sent: ${(err as Error).message}`, true, err);
  }
  return decodeRow(ctx.codecs, (await getMessage(ctx.db, id))!);
}

/**
 * Messages that failed for a reason that may pass (the node was unreachable or busy)
 * go out again; run when the stream is live again, so the queue drains by itself.
 */
export async function retryFailed(ctx: ClientContext): Promise<void> {
  const failed = await messagesWithStatus(ctx.db, "failed");
  failed.sort((a, b) => (a.sentAtNs < b.sentAtNs ? -1 : 1));
  for (const row of failed) {
    if (row.senderInboxId !== ctx.installation.inboxId) continue;
    if (!(await intentForMessage(ctx.db, row.id))) continue;
    try {
      await publishMessage(ctx, row.id);
    } catch {
      return; // still unreachable: the next reconnect tries again
    }
  }
}

/**
 * After a reload: messages left `pending` by a closed tab are encrypted (if they were
 * not yet) and published.
 */
export async function resumeOutbox(ctx: ClientContext): Promise<void> {
  const pending = await messagesWithStatus(ctx.db, "pending");
  for (const row of pending) {
    if (row.senderInboxId !== ctx.installation.inboxId) continue;
    try {
      await encryptForSending(ctx, row, true);
      await publishMessage(ctx, row.id);
    } catch {
      // publishMessage marked it failed; the thread shows the retry action.
    }
  }
  // Intents whose message is gone (e.g. cleared) are dropped from the queue.
  for (const intent of await nextIntents(ctx.db, { status: "to_publish" })) {
    if (
      intent.kind === "send_message" &&
      intent.messageId &&
      !(await getMessage(ctx.db, intent.messageId))
    ) {
      await updateIntent(ctx.db, intent.id!, {
        status: "error",
        error: "message no longer exists",
      });
    }
  }
}
