// Intents (outbox): what this installation wants to publish, surviving reloads.
// ToPublish → Published → Committed, or Error (PROTOCOL §2).

import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { hexId, ownBytes } from "./keys";
import type { IntentKind, IntentRow, IntentStatus } from "./schema";

export async function putIntent(
  db: MessengerDb,
  i: {
    conversationId: Uint8Array | string;
    kind: IntentKind;
    payload: Uint8Array;
    payloadHash?: string;
    messageId?: string;
    shouldPush?: boolean;
  },
): Promise<number> {
  const row: IntentRow = {
    conversationId: hexId(i.conversationId, "conversationId"),
    kind: i.kind,
    payload: ownBytes(i.payload),
    status: "to_publish",
    attempts: 0,
    createdAt: Date.now(),
  };
  if (i.payloadHash !== undefined) row.payloadHash = hexId(i.payloadHash, "payloadHash");
  if (i.messageId !== undefined) row.messageId = hexId(i.messageId, "messageId");
  if (i.shouldPush !== undefined) row.shouldPush = i.shouldPush;
  const id = await db.intents.add(row);
  return id as number;
}

/** The intent whose published bytes hash to `payloadHash` (our own envelope echoed back). */
export function intentByPayloadHash(
  db: MessengerDb,
  payloadHash: string,
): Promise<IntentRow | undefined> {
  return db.intents.where("payloadHash").equals(hexId(payloadHash, "payloadHash")).first();
}

/** The intent that carries a sent message's ciphertext. */
export function intentForMessage(
  db: MessengerDb,
  messageId: string,
): Promise<IntentRow | undefined> {
  return db.intents.where("messageId").equals(hexId(messageId, "messageId")).first();
}

/** Intents in a status (default to_publish), in creation order, optionally for one conversation. */
export async function nextIntents(
  db: MessengerDb,
  q: { status?: IntentStatus; conversationId?: Uint8Array | string; limit?: number } = {},
): Promise<IntentRow[]> {
  const status = q.status ?? "to_publish";
  const coll =
    q.conversationId === undefined
      ? db.intents.where("status").equals(status)
      : db.intents
          .where("[conversationId+status]")
          .equals([hexId(q.conversationId, "conversationId"), status]);
  const rows = await coll.toArray();
  rows.sort((a, b) => a.id! - b.id!);
  return rows.slice(0, q.limit ?? 100);
}

export async function updateIntent(
  db: MessengerDb,
  id: number,
  patch: { status?: IntentStatus; attempts?: number; error?: string },
): Promise<void> {
  const n = await db.intents.update(id, patch);
  if (n === 0) throw new StorageError("not_found", `intent ${id} does not exist`);
}

export async function deleteIntent(db: MessengerDb, id: number): Promise<void> {
  await db.intents.delete(id);
}
