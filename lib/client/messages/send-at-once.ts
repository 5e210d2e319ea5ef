// A send's short path: when nothing has to be asked first (the stream is live, so no commit
// waits on the node; the members' devices were checked a moment ago; this tab holds the
// group's state in memory and nobody holds its lock), the message is encrypted at once and
// the message row, the advanced ratchet state and the ciphertext are stored in ONE
// transaction (storage/outgoing.ts) before anything is published. One write instead of eight
// IndexedDB steps, and the page's live queries re-run once, not between every step. When
// the lock is busy or the devices are due a check, the message is stored first and the
// state and ciphertext together after (two writes).
//
// Shorter still with a generation taken while the person typed (groups/ready.ts): the state
// past it is stored already, so the ciphertext leaves as soon as it is made and the one write
// (message row, intent, the state forgetting that generation and taking the next) goes
// beside the request. The bubble still shows only once that write committed. When the lock
// was busy or the devices due, the message is stored first and the ready generation still
// used once the lock is ours (typing runs the devices' check ahead: groups/installations.ts).
//
// When any of that does not hold, nothing is encrypted (or what was is dropped unstored, so
// no generation ever leaves) and the caller takes the long path from the message row on.
import { sha256, toHex } from "../../crypto";
import { encodePlaintextEnvelope } from "../../content";
import {
  encryptApplication,
  encryptWithReady,
  forgetGeneration,
  isActive,
  takeGeneration,
  type ReadyGeneration,
} from "../../mls";
import {
  nsFromKey,
  putSealedMessage,
  sealSendIntent,
  storeSend,
  type IntentRow,
  type SealedMessage,
} from "../../storage";
import type { ClientContext } from "../context";
import { LOCK_BUSY } from "../locks";
import { installationsCheckDue, syncGroupInstallationsIfDue } from "../groups/installations";
import { noteReady, takeReady } from "../groups/ready";
import {
  cachedGroup,
  groupHold,
  noteSavedGroup,
  sealAdvancedGroup,
  tryGroupLock,
  withGroupLock,
  type Cached,
} from "../groups/state";
import { streamIsLive } from "./live-streams";

/** The stored intent of a send that took the short path: what publishMessage sends. */
export type ReadyIntent = Pick<IntentRow, "payload" | "shouldPush" | "status" | "attempts"> & {
  /** The intent's id; a promise while its write is in flight (sent under a ready generation). */
  id: number | Promise<number>;
  /** The push sender HMAC, worked out while the state was sealed and stored. */
  senderHmac?: Promise<Uint8Array | undefined>;
};

/**
 * Stores the message; with it, when the short path holds, its state and ciphertext. Returns
 * the intent to publish, or undefined: the message alone is stored, the long path follows.
 */
export async function storeAndSeal(
  ctx: ClientContext,
  message: SealedMessage,
  shouldPush: boolean,
  /** Called once the message's own write committed (stored before, not with, its seal). */
  stored: () => void = () => {},
  /** Called with the ciphertext the moment it may leave, before its write (a ready generation). */
  sendNow: (intent: ReadyIntent) => void = () => {},
): Promise<ReadyIntent | undefined> {
  const groupId = message.clear.conversationId;
  // Never before the commit: a bubble shown for a write still in flight is lost with the
  // tab (a reload, a close) — what someone typed would vanish after they saw it sent.
  const put = async () => {
    await putSealedMessage(ctx.db, message);
    stored();
  };
  if (!streamIsLive(ctx)) {
    await put();
    return undefined;
  }
  const due = installationsCheckDue(ctx, groupId);
  if (!due) {
    // Anything the short path could not write (quota, a ratchet tree rewritten since): the
    // message is still stored, and the long path reports what is wrong.
    const first = await tryGroupLock(ctx, groupId, () =>
      sealLocked(ctx, message, shouldPush, sendNow),
    ).catch(() => undefined);
    if (first !== LOCK_BUSY) {
      if (first === "stored") return undefined;
      if (first) return first;
      await put();
      return undefined;
    }
  }
  // The lock is busy (the stream applying an envelope: our previous message's echo, the
  // peer's read receipt), or the members' devices are to be checked first (the node is
  // asked): what was typed is stored first, never left waiting on someone else's work or on
  // the network. A generation taken while typing still spares the second write's wait: the
  // ciphertext leaves as soon as the lock is ours, and intent and state are stored beside it.
  await put();
  if (due) await syncGroupInstallationsIfDue(ctx, groupId).catch(() => undefined); // next send tries again
  const then = await withGroupLock(ctx, groupId, () =>
    sealLocked(ctx, { ...message, stored: true }, shouldPush, sendNow),
  ).catch(() => undefined);
  return then === "stored" ? undefined : then;
}

async function sealLocked(
  ctx: ClientContext,
  message: SealedMessage & { stored?: true },
  shouldPush: boolean,
  sendNow?: (intent: ReadyIntent) => void,
): Promise<ReadyIntent | "stored" | undefined> {
  const row = message.clear;
  const from = cachedGroup(ctx, row.conversationId);
  // A removed member's message goes the long way, which marks it failed, never sealed.
  if (!from || !isActive(from.group)) return undefined;
  const ready = sendNow && takeReady(ctx, row.conversationId, from.group);
  if (ready) return sealReady(ctx, message, shouldPush, from, ready, sendNow);
  const plaintext = encodePlaintextEnvelope(row.encodedContent, nsFromKey(row.sentAtNs).toString());
  const { group: next, message: payload } = await encryptApplication(from.group, plaintext);
  // Its key is a read of its own: beside the write, not after it (and never a reason to fail).
  const senderHmac = ctx.pushSenderHmac?.(payload).catch(() => undefined);
  const [state, intent] = await Promise.all([
    sealAdvancedGroup(ctx, from, next),
    sealSendIntent(ctx.db, {
      conversationId: row.conversationId,
      messageId: row.id,
      payload,
      payloadHash: toHex(sha256(payload)),
      shouldPush,
    }),
  ]);
  const res = await storeSend(ctx.db, {
    ...(message.stored ? {} : { message }),
    state,
    fromStamp: from.stamp,
    intent,
  });
  // Refused: the message is stored, the ciphertext dropped (its state never saved).
  if (!res.stored || res.stamp === undefined) return "stored";
  noteSavedGroup(ctx, next, res);
  return {
    id: res.intentId,
    payload,
    shouldPush,
    status: "to_publish",
    attempts: 0,
    ...(senderHmac ? { senderHmac } : {}),
  };
}

/**
 * The send under a generation taken ahead: encrypted, handed to `sendNow` at once, then
 * stored (message unless it is already, intent, and the state forgetting the generation and,
 * while this tab still holds the group, taking the next) in one write. Returns once that
 * write committed.
 */
async function sealReady(
  ctx: ClientContext,
  message: SealedMessage & { stored?: true },
  shouldPush: boolean,
  from: Cached,
  ready: ReadyGeneration,
  sendNow: (intent: ReadyIntent) => void,
): Promise<ReadyIntent> {
  const row = message.clear;
  const groupId = row.conversationId;
  const plaintext = encodePlaintextEnvelope(row.encodedContent, nsFromKey(row.sentAtNs).toString());
  const payload = await encryptWithReady(from.group, ready, plaintext);
  const senderHmac = ctx.pushSenderHmac?.(payload).catch(() => undefined);
  let written!: (id: number) => void;
  let failed!: (err: unknown) => void;
  const intentId = new Promise<number>((ok, no) => ((written = ok), (failed = no)));
  void intentId.catch(() => undefined); // the publish reads it; a failure is reported there
  const out: ReadyIntent = {
    id: intentId,
    payload,
    shouldPush,
    status: "to_publish",
    attempts: 0,
    ...(senderHmac ? { senderHmac } : {}),
  };
  sendNow(out);
  try {
    const hold = groupHold(ctx, groupId);
    const forgotten = forgetGeneration(from.group, ready.generation);
    const taken = hold ? await takeGeneration(forgotten) : undefined;
    const next = taken?.group ?? forgotten;
    const [state, intent] = await Promise.all([
      sealAdvancedGroup(ctx, from, next),
      sealSendIntent(ctx.db, {
        conversationId: groupId,
        messageId: row.id,
        payload,
        payloadHash: toHex(sha256(payload)),
        shouldPush,
      }),
    ]);
    const res = await storeSend(ctx.db, {
      ...(message.stored ? {} : { message }),
      state,
      fromStamp: from.stamp,
      intent,
      sent: true,
    });
    if (!res.stored) throw new Error(`the sent message was not stored: ${res.reason}`);
    written(res.intentId);
    if (res.stamp !== undefined) {
      noteSavedGroup(ctx, next, res);
      if (taken && hold && !res.refused && groupHold(ctx, groupId) === hold)
        noteReady(ctx, groupId, taken.ready, hold);
    }
    return { ...out, id: res.intentId };
  } catch (err) {
    failed(err);
    throw err;
  }
}
