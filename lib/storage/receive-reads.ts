// What the receive path reads before it decrypts an envelope, in ONE read transaction: the
// topic's cursor, the conversation's out-of-sync mark, an intent of ours with the envelope's
// payload (our own message echoed back), the stored state's stamp and the group's unfinished
// commit intent. Five transactions before, each a round trip to the browser's IndexedDB
// process while the peer's bubble waited. Rows are opened (WebCrypto) after the transaction:
// IndexedDB commits a transaction left waiting on anything else. The caller holds the group's
// lock, which every writer of these rows for this group holds too, so what is read here
// cannot change before the caller uses it.
import type { MessengerDb } from "./db";
import { unfinishedCommitRows } from "./commit-intents";
import { groupTopic } from "./cursors";
import { intentRowByPayloadHash } from "./intents";
import { hexId } from "./keys";
import type { IntentRow } from "./schema";
import { openIntent } from "./sealed-rows";

export interface ReceiveReads {
  /** The topic's cursor (0 when none). */
  cursor: bigint;
  /** The conversation is marked out of sync (nothing after that commit is applied). */
  outOfSync: boolean;
  /** Our intent whose payload this envelope carries, if any. */
  own: IntentRow | undefined;
  /** The stored group state's stamp (undefined: no stored state, or none stamped yet). */
  stateStamp: string | undefined;
  /** The group's oldest unfinished commit intent. */
  commitIntent: IntentRow | undefined;
}

export async function readForReceive(
  db: MessengerDb,
  groupId: string,
  payloadHash: string,
): Promise<ReceiveReads> {
  const id = hexId(groupId, "groupId");
  const tables = [db.cursors, db.conversations, db.intents, db.groups];
  const [cursor, conversation, own, group, commits] = await db.transaction("r", tables, () =>
    Promise.all([
      db.cursors.get(groupTopic(id)),
      db.conversations.get(id), // its clear fields only: the sealed ones are not opened
      intentRowByPayloadHash(db, payloadHash),
      db.groups.get(id),
      unfinishedCommitRows(db, id),
    ]),
  );
  const commit = commits[0];
  return {
    cursor: cursor ? BigInt(cursor.nodeId) : 0n,
    outOfSync: !!conversation?.outOfSync,
    own: own && (await openIntent(db.sealing.open, own)),
    stateStamp: group?.stamp || undefined, // as groupStateStamp: an empty stamp is none
    commitIntent: commit && (await openIntent(db.sealing.open, commit)),
  };
}
