// Messages, conversations and intents at rest (issue 11 item 17): someone holding the raw
// IndexedDB records learns ids, conversation ids, times and statuses, never what was said, a
// group's name, a peer's address or a file's name; and a sealed blob cannot be moved to
// another row (AAD binds table + primary key), nor opened under another database's key.
import { describe, expect, it } from "vitest";
import {
  ContentTypeAttachment,
  ContentTypeReactionV2,
  ContentTypeText,
  contentTypeToString,
  defaultRegistry,
  encodeEncodedContent,
} from "../../content";
import { utf8 } from "../../crypto";
import {
  StorageError,
  addMessage,
  dmIdFor,
  getConversation,
  getMessage,
  listConversations,
  messagesPage,
  nextIntents,
  putIntent,
  upsertConversation,
  type MessengerDb,
} from "..";
import { bytesIn, contains, dbName, openDb, rawRecords } from "./helpers";

const ME = "a".repeat(64);
const PEER = "b".repeat(64);
const DM = "d1".repeat(16);
const GROUP = "e2".repeat(16);
const PEER_ADDRESS = "0x" + "c0ffee00".repeat(5);
const SECRETS = [
  "meet me at the old lighthouse",
  "Night Climbers",
  PEER_ADDRESS.slice(2),
  "parrot-reaction-🦜",
  "passport-scan.pdf",
  "intent-payload-secret",
];
const registry = defaultRegistry();
const encode = (type: typeof ContentTypeText, content: unknown) =>
  encodeEncodedContent(registry.encode(type, content));

async function writeEverything(db: MessengerDb): Promise<void> {
  await upsertConversation(db, {
    id: DM,
    kind: "dm",
    peerInboxId: PEER,
    peerAddress: PEER_ADDRESS,
    dmId: dmIdFor(ME, PEER),
    createdAtNs: 1n,
  });
  await upsertConversation(db, {
    id: GROUP,
    kind: "group",
    name: "Night Climbers",
    createdAtNs: 2n,
  });
  const msg = (n: number, conversationId: string, type: typeof ContentTypeText, c: unknown) => ({
    id: n.toString(16).padStart(64, "0"),
    conversationId,
    senderInboxId: PEER,
    sentAtNs: BigInt(10 + n),
    contentType: contentTypeToString(type),
    encodedContent: encode(type, c),
    status: "published" as const,
  });
  await addMessage(db, msg(1, DM, ContentTypeText, SECRETS[0]), {
    incoming: true,
    preview: SECRETS[0],
  });
  await addMessage(
    db,
    msg(2, DM, ContentTypeReactionV2, {
      reference: "1".padStart(64, "0"),
      action: "added",
      schema: "unicode",
      content: SECRETS[3],
    }),
  );
  await addMessage(
    db,
    msg(3, GROUP, ContentTypeAttachment, {
      filename: SECRETS[4],
      mimeType: "application/pdf",
      data: new Uint8Array([1, 2, 3]),
    }),
    { incoming: true, preview: `📎 ${SECRETS[4]}` },
  );
  await putIntent(db, { conversationId: DM, kind: "send_message", payload: utf8(SECRETS[5]!) });
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => (e instanceof StorageError ? e.code : String(e)),
  );
}

describe("sealed rows at rest", () => {
  it("diskHoldsNoTextNameAddressReactionOrFilename: the raw object stores show none of them", async () => {
    const name = dbName();
    const db = openDb(name);
    await writeEverything(db);
    // Everything still reads back through the API.
    expect((await getConversation(db, GROUP))!.name).toBe("Night Climbers");
    expect((await getConversation(db, DM))!).toMatchObject({
      peerAddress: PEER_ADDRESS,
      lastMessagePreview: SECRETS[0],
      lastMessageSenderInboxId: PEER,
    });
    expect((await messagesPage(db, DM, { limit: 10 })).map((m) => m.senderInboxId)).toEqual([
      PEER,
      PEER,
    ]);
    expect((await nextIntents(db))[0]!.payload).toEqual(utf8(SECRETS[5]!));
    db.close();

    const haystacks = bytesIn(await rawRecords(name));
    for (const secret of SECRETS)
      expect(
        haystacks.some((h) => contains(h, utf8(secret))),
        `"${secret}" is readable on disk`,
      ).toBe(false);
  });

  it("swappedRowsDoNotOpen: a sealed blob moved to another row or relabelled to another thread fails", async () => {
    const db = openDb();
    await writeEverything(db);
    const ids = (await db.messages.toCollection().primaryKeys()).sort();
    const [m1, m2] = await db.messages.bulkGet([ids[0]!, ids[1]!]);
    await db.messages.put({ ...m2!, sealed: m1!.sealed });
    expect(await code(getMessage(db, m2!.id))).toBe("sealed_record_corrupt");
    // The same message moved into the group thread by editing its clear conversationId.
    await db.messages.put({ ...m1!, conversationId: GROUP });
    expect(await code(messagesPage(db, GROUP, { limit: 10 }))).toBe("sealed_record_corrupt");

    // A group's name copied onto the DM row.
    const [dm, group] = await db.conversations.bulkGet([DM, GROUP]);
    await db.conversations.put({ ...dm!, sealed: { ...dm!.sealed, name: group!.sealed.name! } });
    expect(await code(getConversation(db, DM))).toBe("sealed_record_corrupt");
    // A preview moved into the name field of its own row.
    await db.conversations.put({ ...dm!, sealed: { name: dm!.sealed.lastMessagePreview! } });
    expect(await code(listConversations(db))).toBe("sealed_record_corrupt");

    // An intent's payload under another id.
    const intent = (await db.intents.toArray())[0]!;
    await db.intents.put({ ...intent, id: intent.id! + 1 });
    expect(await code(nextIntents(db))).toBe("sealed_record_corrupt");
    db.close();
  });

  it("wrongKeyDoesNotOpen: rows under another database's data key fail with sealed_record_corrupt", async () => {
    const [a, b] = [openDb(), openDb()];
    await writeEverything(a);
    await writeEverything(b);
    // b's keys (device key and wrapped data key) put in a: a's rows are under another key.
    await a.secrets.bulkPut(await b.secrets.toArray());
    a.sealing.reset();
    expect(await code(getConversation(a, GROUP))).toBe("sealed_record_corrupt");
    expect(await code(messagesPage(a, DM, { limit: 10 }))).toBe("sealed_record_corrupt");
    a.close();
    b.close();
  });
});
