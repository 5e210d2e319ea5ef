// The receive path's writes for one envelope in ONE transaction: the message it carried, the
// state its decryption advanced to and the topic's cursor past it (or, for our own message
// echoed back, its row marked published, its intent committed and the cursor). Three writes
// re-ran the page's live queries three times per message, and a crash between them could
// leave a state advanced past a message that was never stored. Everything is sealed before
// (IndexedDB commits a transaction left waiting on WebCrypto).

import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { writeCursor } from "./cursors";
import { writeSealedGroupState, type SealedGroupState } from "./groups";
import { hexId } from "./keys";
import { openMessage } from "./sealed-rows";
import { writeMessageStatus, writeSealedMessage, type SealedMessage } from "./messages";
import type { MessageRow } from "./schema";

export interface CursorMove {
  topic: string;
  nodeId: bigint;
}

/** A decrypted envelope: its message (absent: nothing to store), new state, cursor moved. */
export async function storeReceived(
  db: MessengerDb,
  s: { message?: SealedMessage; state: SealedGroupState; cursor: CursorMove },
): Promise<{ inserted: boolean; stamp: string; epochStamp: string }> {
  const tables = [db.messages, db.conversations, db.groups, db.groupEpochs, db.cursors];
  // The three parts touch different tables: side by side, not one round trip to the
  // IndexedDB backend after another. Any part failing (a stale state) aborts all three.
  return db.transaction("rw", tables, async () => {
    const [{ inserted }, stamps] = await Promise.all([
      s.message ? writeSealedMessage(db, s.message) : { inserted: false },
      writeSealedGroupState(db, s.state),
      writeCursor(db, s.cursor.topic, s.cursor.nodeId),
    ]);
    return { inserted, ...stamps };
  });
}

/** Our own message read back from the node: published with its id and time, intent done. */
export async function storeEcho(
  db: MessengerDb,
  e: { messageId: string; intentId: number; nodeId: bigint; sentAtNs: bigint; cursor: CursorMove },
): Promise<MessageRow | undefined> {
  const tables = [db.messages, db.intents, db.cursors];
  const row = await db.transaction("rw", tables, async () => {
    await writeMessageStatus(db, e.messageId, "published", {
      nodeId: e.nodeId,
      sentAtNs: e.sentAtNs,
    });
    const n = await db.intents.update(e.intentId, { status: "committed" });
    if (n === 0) throw new StorageError("not_found", `intent ${e.intentId} does not exist`);
    await writeCursor(db, e.cursor.topic, e.cursor.nodeId);
    return db.messages.get(hexId(e.messageId, "message id"));
  });
  return row && openMessage(db.sealing.open, row);
}
