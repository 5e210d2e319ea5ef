// A local database with some history in it: what the backup and history-sync tests export
// from and restore into (real IndexedDB via fake-indexeddb, rows sealed as the app seals them).
import { randomBytes, sha256, toHex, utf8 } from "../../crypto";
import {
  dmIdFor,
  getMessage,
  mergeConsentRecords,
  setConsentRecords,
  upsertConversation,
  type ConsentRecord,
  type MessageInput,
  type MessageRow,
  type MessengerDb,
} from "../../storage";
import { openDb } from "../../storage/test/helpers";

export const SELF = "a1".repeat(32);
export const PEER = "b2".repeat(32);
export const PEER_ADDRESS = "0x" + "ab".repeat(20);
export const STRANGER = "c3".repeat(32);
export const DM = "d0".repeat(16);
export const GROUP = "e0".repeat(16);
export const TEXT = "xmtp.org/text:1.0";

/** A message id derived from a label, so a test can name the message it looks for. */
export const labelId = (label: string) => toHex(sha256(utf8(label)));

/** A published text message from the peer; `more` overrides any field. */
export function message(
  label: string,
  conversationId: string,
  sentAtNs: bigint,
  more: Partial<MessageInput> = {},
): MessageInput {
  return {
    id: labelId(label),
    conversationId,
    senderInboxId: PEER,
    sentAtNs,
    contentType: TEXT,
    // Random bytes: not valid UTF-8, so only a byte-exact round trip keeps them.
    encodedContent: randomBytes(200),
    status: "published",
    nodeId: sentAtNs,
    ...more,
  };
}

/**
 * A fresh database with a dm with PEER, a group "Climbers", and consent: the dm allowed,
 * STRANGER denied. No messages: each test adds the ones it needs.
 */
export async function historyDb(): Promise<MessengerDb> {
  const db = openDb();
  await upsertConversation(db, {
    id: DM,
    kind: "dm",
    peerInboxId: PEER,
    peerAddress: PEER_ADDRESS,
    dmId: dmIdFor(SELF, PEER),
    createdAtNs: 100n,
  });
  await upsertConversation(db, { id: GROUP, kind: "group", name: "Climbers", createdAtNs: 200n });
  await setConsentRecords(
    db,
    [
      { entity: { kind: "conversation", id: DM }, state: "allowed" },
      { entity: { kind: "inbox", inboxId: STRANGER }, state: "denied" },
    ],
    5_000n,
  );
  return db;
}

/** Every message, opened (rows are sealed on disk). */
export async function openedMessages(db: MessengerDb): Promise<MessageRow[]> {
  return Promise.all(
    (await db.messages.toArray()).map((m) => getMessage(db, m.id).then((r) => r!)),
  );
}

/** What applyConsentRecords does on the importing database: last writer wins. */
export const mergeConsentInto = (db: MessengerDb) => (records: ConsentRecord[]) =>
  mergeConsentRecords(db, records);
