import { Dexie } from "dexie";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import {
  SCHEMA_V1,
  StorageError,
  addMessage,
  deniedInboxRecords,
  getConsentRecord,
  getConversation,
  messagesPage,
  mergeConsentRecords,
  setConsentRecords,
  type ConsentEntity,
  type ConsentRecord,
} from "..";
import { dbName, openDb } from "./helpers";

const CONV = "c0".repeat(16);
const PEER = "b".repeat(64);
const conv: ConsentEntity = { kind: "conversation", id: CONV };
const peer: ConsentEntity = { kind: "inbox", inboxId: PEER };

async function errCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return e instanceof StorageError ? `${e.code}: ${e.message}` : String(e);
  }
  return undefined;
}

describe("schema v1 → v2", () => {
  it("opens a database written at v1 (through v2 and the v3 sealing) with its rows intact and an empty consent table", async () => {
    const name = dbName();
    const v1 = new Dexie(name, { indexedDB, IDBKeyRange });
    v1.version(1).stores(SCHEMA_V1);
    await v1.table("conversations").put({
      id: CONV,
      kind: "dm",
      peerInboxId: PEER,
      dmId: `dm:${PEER}:${"a".repeat(64)}`,
      createdAtNs: "00000000000000000005",
      lastMessageAtNs: "00000000000000000009",
      lastMessagePreview: "hello",
      unreadCount: 1,
    });
    await v1.table("messages").put({
      id: "ab".repeat(32),
      conversationId: CONV,
      senderInboxId: PEER,
      sentAtNs: "00000000000000000009",
      contentType: "xmtp.org/text:1.0",
      encodedContent: new Uint8Array([1, 2, 3]),
      status: "published",
    });
    await v1.table("cursors").put({ topic: `g:${CONV}`, nodeId: "42" });
    expect(v1.verno).toBe(1);
    v1.close();

    const db = openDb(name);
    await db.open();
    expect(db.verno).toBe(7);
    const row = await getConversation(db, CONV);
    expect(row).toMatchObject({ peerInboxId: PEER, lastMessagePreview: "hello", unreadCount: 1 });
    const [m] = await messagesPage(db, CONV, { limit: 10 });
    expect(m!.encodedContent).toEqual(new Uint8Array([1, 2, 3]));
    expect(await db.cursors.get(`g:${CONV}`)).toEqual({ topic: `g:${CONV}`, nodeId: "42" });
    expect(await db.consent.count()).toBe(0);
    // The migrated database keeps working on both old and new tables.
    await setConsentRecords(db, [{ entity: conv, state: "allowed" }], 10n);
    expect((await getConsentRecord(db, conv))?.state).toBe("allowed");
    await addMessage(db, {
      id: "cd".repeat(32),
      conversationId: CONV,
      senderInboxId: PEER,
      sentAtNs: 11n,
      contentType: "xmtp.org/text:1.0",
      encodedContent: new Uint8Array([4]),
      status: "published",
    });
    expect(await messagesPage(db, CONV, { limit: 10 })).toHaveLength(2);
    db.close();
  });
});

describe("consent records", () => {
  const rec = (
    state: ConsentRecord["state"],
    ns: bigint,
    entity: ConsentEntity = conv,
  ): ConsentRecord => ({
    entity,
    state,
    consentedAtNs: ns,
  });

  it("merges last writer wins in either order, and a tie never unblocks", async () => {
    for (const order of [
      [rec("allowed", 10n), rec("denied", 20n)],
      [rec("denied", 20n), rec("allowed", 10n)],
      [rec("allowed", 30n), rec("denied", 30n)],
      [rec("denied", 30n), rec("allowed", 30n)],
      [rec("unknown", 30n), rec("denied", 30n)],
    ]) {
      const db = openDb();
      for (const r of order) await mergeConsentRecords(db, [r]);
      expect((await getConsentRecord(db, conv))?.state).toBe("denied");
      db.close();
    }
  });

  it("returns only the records that won", async () => {
    const db = openDb();
    expect(await mergeConsentRecords(db, [rec("allowed", 10n)])).toEqual([rec("allowed", 10n)]);
    expect(await mergeConsentRecords(db, [rec("allowed", 10n)])).toEqual([]); // a repeat
    expect(await mergeConsentRecords(db, [rec("denied", 5n)])).toEqual([]); // older
    // Within one batch the later of two records for one entity is judged against the first.
    expect(await mergeConsentRecords(db, [rec("denied", 20n), rec("allowed", 15n)])).toEqual([
      rec("denied", 20n),
    ]);
    expect((await getConsentRecord(db, conv))?.consentedAtNs).toBe(20n);
    db.close();
  });

  it("a local choice takes effect even over a record stamped in the future", async () => {
    const db = openDb();
    await mergeConsentRecords(db, [rec("denied", 1_000n)]);
    const [written] = await setConsentRecords(db, [{ entity: conv, state: "allowed" }], 500n);
    expect(written).toEqual(rec("allowed", 1_001n));
    expect((await getConsentRecord(db, conv))?.state).toBe("allowed");
    const [later] = await setConsentRecords(db, [{ entity: conv, state: "denied" }], 2_000n);
    expect(later!.consentedAtNs).toBe(2_000n);
    db.close();
  });

  it("lists denied inboxes newest first, and names bad input", async () => {
    const db = openDb();
    const other: ConsentEntity = { kind: "inbox", inboxId: "C".repeat(64) };
    await mergeConsentRecords(db, [
      rec("denied", 5n, peer),
      rec("denied", 7n, other),
      rec("denied", 9n, conv),
    ]);
    expect(await deniedInboxRecords(db)).toEqual([
      { inboxId: "c".repeat(64), consentedAtNs: 7n },
      { inboxId: PEER, consentedAtNs: 5n },
    ]);
    expect(
      await errCode(setConsentRecords(db, [{ entity: conv, state: "blocked" as "denied" }], 1n)),
    ).toMatch(/invalid_argument: consent state must be .*"blocked"/);
    expect(
      await errCode(
        setConsentRecords(
          db,
          [{ entity: { kind: "address", id: CONV } as never, state: "allowed" }],
          1n,
        ),
      ),
    ).toMatch(/invalid_argument: consent entity kind .*"address"/);
    expect(
      await errCode(
        setConsentRecords(db, [{ entity: { kind: "inbox", inboxId: "zz" }, state: "allowed" }], 1n),
      ),
    ).toMatch(/invalid_argument: inbox id must be non-empty hex/);
    expect(await errCode(mergeConsentRecords(db, [rec("allowed", -1n)]))).toMatch(
      /invalid_argument: consentedAtNs must be a uint64/,
    );
    db.close();
  });
});
