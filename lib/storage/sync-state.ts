// A conversation's "out of sync" mark: a commit other members applied could not be
// applied here. The first failure is kept (later envelopes are not even tried); recovery
// (a re-add with a fresh welcome, issue 12) clears it.

import type { MessengerDb } from "./db";
import { hexId } from "./keys";
import type { OutOfSyncRow } from "./schema";

export async function markOutOfSync(
  db: MessengerDb,
  id: Uint8Array | string,
  mark: { code: string; reason: string; sinceNodeId: bigint },
): Promise<void> {
  const key = hexId(id, "conversation id");
  await db.transaction("rw", db.conversations, async () => {
    const row = await db.conversations.get(key);
    if (!row || row.outOfSync) return;
    const outOfSync: OutOfSyncRow = {
      code: mark.code,
      reason: mark.reason,
      sinceNodeId: mark.sinceNodeId.toString(),
      at: Date.now(),
    };
    await db.conversations.update(key, { outOfSync });
  });
}

export async function clearOutOfSync(db: MessengerDb, id: Uint8Array | string): Promise<void> {
  await db.conversations.update(hexId(id, "conversation id"), { outOfSync: undefined });
}

export async function outOfSyncOf(
  db: MessengerDb,
  id: Uint8Array | string,
): Promise<OutOfSyncRow | undefined> {
  return (await db.conversations.get(hexId(id, "conversation id")))?.outOfSync;
}
