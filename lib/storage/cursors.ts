// Per-topic cursors: the last node id applied. They only move forward, so a slow tab
// writing an older cursor cannot make the stream replay (or worse, skip) anything.

import type { MessengerDb } from "./db";
import { StorageError } from "./errors";

const TOPIC_RE = /^[gw]:(?:[0-9a-f]{2})+$/;

export const groupTopic = (groupHex: string) => `g:${groupHex.toLowerCase()}`;
export const welcomeTopic = (installationHex: string) => `w:${installationHex.toLowerCase()}`;

function checkTopic(topic: string): string {
  if (!TOPIC_RE.test(topic))
    throw new StorageError(
      "invalid_argument",
      `topic ${JSON.stringify(topic)} is not "g:<hex>" or "w:<hex>"`,
    );
  return topic;
}

/** 0n when nothing was applied yet. */
export async function getCursor(db: MessengerDb, topic: string): Promise<bigint> {
  const row = await db.cursors.get(checkTopic(topic));
  return row ? BigInt(row.nodeId) : 0n;
}

/** Returns the cursor now stored (the larger of the old and the new). */
export async function setCursor(db: MessengerDb, topic: string, nodeId: bigint): Promise<bigint> {
  return db.transaction("rw", db.cursors, () => writeCursor(db, topic, nodeId));
}

/** setCursor's write (never backwards); inside a caller's transaction over `cursors`. */
export async function writeCursor(db: MessengerDb, topic: string, nodeId: bigint): Promise<bigint> {
  checkTopic(topic);
  if (typeof nodeId !== "bigint" || nodeId < 0n)
    throw new StorageError("invalid_argument", "nodeId must be a non-negative bigint");
  const row = await db.cursors.get(topic);
  const current = row ? BigInt(row.nodeId) : -1n;
  if (nodeId <= current) return current;
  await db.cursors.put({ topic, nodeId: nodeId.toString() });
  return nodeId;
}

export async function allCursors(db: MessengerDb): Promise<Map<string, bigint>> {
  const rows = await db.cursors.toArray();
  return new Map(rows.map((r) => [r.topic, BigInt(r.nodeId)]));
}

/**
 * Back to the topic's start: only for a group whose state was replaced by another lineage
 * of its id (welcome lineages), which must read the topic again from the beginning.
 */
export async function resetCursor(db: MessengerDb, topic: string): Promise<void> {
  await db.cursors.delete(checkTopic(topic));
}
