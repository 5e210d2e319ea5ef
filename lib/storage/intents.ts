// Intents (outbox): what this installation wants to publish, surviving reloads.
// ToPublish → Published → Committed, or Error (PROTOCOL §2). Payloads are sealed with AAD
// naming the intent's id, which the auto-increment key only gives once the row exists: a row
// is added as "sealing" (no query returns it), then its sealed payload lands with its status.

import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { hexId, ownBytes } from "./keys";
import type { IntentKind, IntentRow, IntentStatus, StoredIntentRow } from "./schema";
import { openIntent, sealIntentPayload } from "./sealed-rows";

const open = (db: MessengerDb) => (row: StoredIntentRow) => openIntent(db.sealing.open, row);

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
  const row: StoredIntentRow = {
    conversationId: hexId(i.conversationId, "conversationId"),
    kind: i.kind,
    status: "sealing",
    attempts: 0,
    createdAt: Date.now(),
  };
  if (i.payloadHash !== undefined) row.payloadHash = hexId(i.payloadHash, "payloadHash");
  if (i.messageId !== undefined) row.messageId = hexId(i.messageId, "messageId");
  if (i.shouldPush !== undefined) row.shouldPush = i.shouldPush;
  await db.sealing.dataKey(); // locked: fail before adding a row that could never be sealed
  const id = (await db.intents.add(row)) as number;
  const payloadSealed = await sealIntentPayload(
    db.sealing.seal,
    { ...row, id },
    ownBytes(i.payload),
  );
  await db.intents.update(id, { payloadSealed, status: "to_publish" });
  return id;
}

/** The intent whose published bytes hash to `payloadHash` (our own envelope echoed back). */
export async function intentByPayloadHash(
  db: MessengerDb,
  payloadHash: string,
): Promise<IntentRow | undefined> {
  const row = await intentRowByPayloadHash(db, payloadHash);
  return row && open(db)(row);
}

/** intentByPayloadHash's row as stored (no WebCrypto: usable inside a read transaction). */
export function intentRowByPayloadHash(
  db: MessengerDb,
  payloadHash: string,
): Promise<StoredIntentRow | undefined> {
  return db.intents
    .where("payloadHash")
    .equals(hexId(payloadHash, "payloadHash"))
    .filter((r) => r.status !== "sealing")
    .first();
}

/** The intent that carries a sent message's ciphertext. */
export async function intentForMessage(
  db: MessengerDb,
  messageId: string,
): Promise<IntentRow | undefined> {
  const row = await db.intents
    .where("messageId")
    .equals(hexId(messageId, "messageId"))
    .filter((r) => r.status !== "sealing")
    .first();
  return row && open(db)(row);
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
  return Promise.all(rows.slice(0, q.limit ?? 100).map(open(db)));
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
