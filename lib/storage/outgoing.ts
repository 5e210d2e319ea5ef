// A send's one write before its ciphertext leaves: the message row (pending), the ratchet
// state the encryption advanced to and the ciphertext (the outbox intent) land in ONE
// transaction. Either all three are durable or none is, so a crash never leaves a state that
// moved past a generation without the ciphertext that used it (nor a ciphertext whose
// generation the stored state would hand out again). Everything is sealed beforehand:
// IndexedDB commits a transaction left waiting on WebCrypto.
//
// The state was advanced from a copy the sender holds in memory; the transaction checks that
// copy is still the stored one (its stamp) and that nothing that must come first is waiting
// (the conversation fell out of sync or is contested, a commit of ours is unfinished, the
// message already has an intent). If not, only the message is stored and nothing is sealed
// for the group: the caller takes the slow path, which reads everything again.

import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { hexId, ownBytes } from "./keys";
import { epochPartMatches, putSealedGroupState, type SealedGroupState } from "./groups";
import { writeSealedMessage, type SealedMessage } from "./messages";
import type { StoredIntentRow } from "./schema";
import { sendIntentPurpose } from "./sealed-rows";

/** A send_message intent sealed to its message (sendIntentPurpose), ready to be added. */
export async function sealSendIntent(
  db: MessengerDb,
  i: {
    conversationId: string;
    messageId: string;
    payload: Uint8Array;
    payloadHash: string;
    shouldPush: boolean;
  },
): Promise<StoredIntentRow> {
  const conversationId = hexId(i.conversationId, "conversationId");
  const messageId = hexId(i.messageId, "messageId");
  return {
    conversationId,
    kind: "send_message",
    status: "to_publish",
    attempts: 0,
    createdAt: Date.now(),
    payloadHash: hexId(i.payloadHash, "payloadHash"),
    messageId,
    shouldPush: i.shouldPush,
    sealedTo: "message",
    payloadSealed: await db.sealing.seal(
      sendIntentPurpose(messageId, conversationId),
      ownBytes(i.payload),
    ),
  };
}

/** Why the sealed state and intent were not stored (the message, when given, was). */
export type SendRefusal = "stale_state" | "out_of_sync" | "unfinished_commit" | "has_intent";

export type StoreSendResult =
  | { stored: true; intentId: number; stamp: string; epochStamp: string; refused?: SendRefusal }
  /** `sent` only: message and intent stored, the state not (another writer's came first). */
  | { stored: true; intentId: number; stamp?: undefined; refused?: SendRefusal }
  | { stored: false; reason: SendRefusal };

/**
 * Stores `message` (when given: a new send; absent: the row is stored already) and, if the
 * state was advanced from the stored one (`fromStamp`) and nothing must come first, the new
 * state and the intent, in one transaction.
 *
 * `sent`: the ciphertext already left, under a generation the stored state was moved past
 * before (lib/mls/ready-generation.ts). The message and its intent are stored whatever the
 * refusal says (the refusal is still returned, as `refused`); the state (which only forgets
 * that generation and may take the next) only when it was advanced from the stored one.
 */
export async function storeSend(
  db: MessengerDb,
  s: {
    message?: SealedMessage;
    state: SealedGroupState;
    fromStamp: string;
    intent: StoredIntentRow;
    sent?: true;
  },
): Promise<StoreSendResult> {
  if (s.intent.conversationId !== s.state.groupId || !s.intent.messageId)
    throw new StorageError("invalid_argument", "the intent must carry a message of this group");
  const tables = [db.messages, db.conversations, db.groups, db.groupEpochs, db.intents];
  // Requests side by side where nothing depends on another's answer: each await is a round
  // trip to the IndexedDB backend, and the publish waits for this commit. The message's write
  // goes on by itself and is stored whatever the refusal says; the state and the ciphertext
  // wait only for the refusal's reads, and are stored only without one.
  return db.transaction("rw", tables, async () => {
    const message = s.message && writeSealedMessage(db, s.message);
    void message?.catch(() => undefined); // awaited below; its failure aborts the transaction
    const reason = await refusal(db, s.state, s.fromStamp, s.intent.messageId!);
    if (s.sent) return storeSent(db, s, message, reason);
    if (reason) {
      await message;
      return { stored: false, reason } as const;
    }
    const [, stamps, intentId] = await Promise.all([
      message,
      putSealedGroupState(db, s.state),
      db.intents.add(s.intent) as Promise<number>,
    ]);
    return { stored: true, intentId, ...stamps } as const;
  });
}

async function storeSent(
  db: MessengerDb,
  s: { state: SealedGroupState; intent: StoredIntentRow },
  message: Promise<unknown> | undefined,
  reason: SendRefusal | undefined,
): Promise<StoreSendResult> {
  const state = reason === "stale_state" ? undefined : putSealedGroupState(db, s.state);
  const [, stamps, intentId] = await Promise.all([
    message,
    state,
    db.intents.add(s.intent) as Promise<number>,
  ]);
  if (!stamps) return { stored: true, intentId, refused: reason };
  return { stored: true, intentId, ...stamps, ...(reason ? { refused: reason } : {}) };
}

async function refusal(
  db: MessengerDb,
  state: SealedGroupState,
  fromStamp: string,
  messageId: string,
): Promise<SendRefusal | undefined> {
  const groupId = state.groupId;
  const [conv, group, intents, existing, epochPartOk] = await Promise.all([
    db.conversations.get(groupId),
    db.groups.get(groupId),
    db.intents
      .where("[conversationId+status]")
      .anyOf([
        [groupId, "to_publish"],
        [groupId, "published"],
      ])
      .toArray(),
    db.intents.where("messageId").equals(messageId).count(),
    epochPartMatches(db, state),
  ]);
  if (conv?.outOfSync || conv?.contested) return "out_of_sync";
  if (group?.stamp !== fromStamp || !epochPartOk) return "stale_state";
  if (intents.some((r) => r.commit !== undefined)) return "unfinished_commit";
  if (existing > 0) return "has_intent";
  return undefined;
}
