// A database written by the previous schema (v2: key records sealed directly under the device
// key, messages/conversations/intents in clear) opens as v3 with every row readable through the
// API, and nothing of it left readable on disk.
import { Dexie } from "dexie";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import { generateWrappingKey, randomBytes, utf8 } from "../../crypto";
import {
  SCHEMA_V1,
  SCHEMA_V2,
  getConversation,
  getGroupState,
  getKeyPackage,
  loadIdentity,
  messagesPage,
  nextIntents,
} from "..";
import { sealWith } from "../seal-blob";
import { bytesIn, contains, dbName, openDb, rawRecords } from "./helpers";

const CONV = "c0".repeat(16);
const PEER = "b".repeat(64);
const ADDRESS = "0x" + "5eed".repeat(10);

/** Rows exactly as schema v2 stored them. */
async function writeV2(name: string) {
  const v2 = new Dexie(name, { indexedDB, IDBKeyRange });
  v2.version(1).stores(SCHEMA_V1);
  v2.version(2).stores(SCHEMA_V2);
  const device = await generateWrappingKey();
  const installationKey = randomBytes(32);
  const groupState = randomBytes(64);
  const kpPrivate = randomBytes(48);
  await v2.table("secrets").add({ id: "wrapping_key", key: device, createdAt: 1 });
  await v2.table("identity").add({
    id: "self",
    inboxId: "1".repeat(64),
    address: "0x" + "12".repeat(20),
    installationId: "ab".repeat(32),
    installationKeySealed: await sealWith(device, "identity:installation_key", installationKey),
    createdAtNs: "00000000000000000001",
    registered: true,
  });
  await v2.table("groups").add({
    groupId: CONV,
    stateSealed: await sealWith(device, `group_state:${CONV}:4`, groupState),
    epoch: "4",
    conversationId: CONV,
    updatedAt: 1,
  });
  await v2.table("keyPackages").add({
    id: "0f0f",
    publicBytes: randomBytes(32),
    privateSealed: await sealWith(device, "key_package:0f0f", kpPrivate),
    createdAtNs: "00000000000000000002",
  });
  await v2.table("conversations").add({
    id: CONV,
    kind: "dm",
    peerInboxId: PEER,
    peerAddress: ADDRESS,
    dmId: `dm:${"1".repeat(64)}:${PEER}`,
    name: "Old friend",
    createdAtNs: "00000000000000000005",
    lastMessageAtNs: "00000000000000000900",
    lastMessagePreview: "the vault code is 4471",
    lastMessageSenderInboxId: PEER,
    unreadCount: 2,
  });
  const messages = Array.from({ length: 1_200 }, (_, i) => ({
    id: i.toString(16).padStart(64, "0"),
    conversationId: CONV,
    senderInboxId: PEER,
    sentAtNs: String(100 + i).padStart(20, "0"),
    contentType: "xmtp.org/text:1.0",
    encodedContent: utf8(i === 799 ? "the vault code is 4471" : `message number ${i}`),
    status: "published",
    nodeId: String(i + 1),
  }));
  await v2.table("messages").bulkAdd(messages);
  await v2.table("intents").add({
    conversationId: CONV,
    kind: "send_message",
    payload: utf8("queued ciphertext 4471"),
    status: "to_publish",
    attempts: 0,
    createdAt: 3,
  });
  await v2.table("consent").add({
    key: `conversation:${CONV}`,
    kind: "conversation",
    entityId: CONV,
    state: "allowed",
    consentedAtNs: "00000000000000000007",
  });
  expect(v2.verno).toBe(2);
  v2.close();
  return { installationKey, groupState, kpPrivate };
}

describe("schema v2 → v3", () => {
  it("migratesClearRowsFromV2: every row reads back, and no plaintext is left on disk", async () => {
    const name = dbName();
    const old = await writeV2(name);
    expect(bytesIn(await rawRecords(name)).some((b) => contains(b, utf8("vault code")))).toBe(true);

    const db = openDb(name);
    await db.open();
    expect(db.verno).toBe(7);
    expect((await loadIdentity(db))!.installationPrivateKey).toEqual(old.installationKey);
    expect((await getGroupState(db, CONV))!.state).toEqual(old.groupState);
    expect((await getKeyPackage(db, "0f0f"))!.privateBytes).toEqual(old.kpPrivate);
    expect(await getConversation(db, CONV)).toMatchObject({
      peerAddress: ADDRESS,
      name: "Old friend",
      lastMessagePreview: "the vault code is 4471",
      lastMessageSenderInboxId: PEER,
      unreadCount: 2,
    });
    const page = await messagesPage(db, CONV, { limit: 1000 });
    expect(page).toHaveLength(1000);
    expect(page.at(-1)).toMatchObject({ senderInboxId: PEER, contentType: "xmtp.org/text:1.0" });
    expect(new TextDecoder().decode(page.at(-1)!.encodedContent)).toBe("message number 1199");
    const [intent] = await nextIntents(db);
    expect(new TextDecoder().decode(intent!.payload)).toBe("queued ciphertext 4471");
    expect(await db.consent.count()).toBe(1);
    db.close();

    const disk = bytesIn(await rawRecords(name));
    for (const secret of ["4471", "Old friend", ADDRESS.slice(2), "message number"])
      expect(
        disk.some((b) => contains(b, utf8(secret))),
        `"${secret}" left on disk`,
      ).toBe(false);
    // The key records are no longer under the device key alone: they follow the data key.
    for (const key of [old.installationKey, old.groupState, old.kpPrivate])
      expect(disk.some((b) => contains(b, key.slice(0, 16)))).toBe(false);
  });
});
