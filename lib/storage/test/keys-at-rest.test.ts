import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION } from "../db";
import { randomBytes, toHex } from "../../crypto";
import {
  StorageError,
  clearAll,
  currentKeyPackage,
  getGroupState,
  getKeyPackage,
  loadIdentity,
  putGroupState,
  putGroupStateParts,
  putKeyPackage,
  saveIdentity,
  setRegistered,
  type DataKeyRow,
  type DeviceKeyRow,
  type Identity,
} from "..";
import { bytesIn, contains, dbName, openDb, rawRecords } from "./helpers";

function identity(): Identity {
  return {
    inboxId: "fcd18d86276d7a99fe522dba9660c420f03c8648785ada7c5daae232a3df77a9",
    address: "0x1234567890ABCDEF1234567890abcdef12345678",
    installationPublicKey: randomBytes(32),
    installationPrivateKey: randomBytes(32),
    createdAtNs: 1_700_000_000_123_456_789n,
    registered: false,
  };
}

async function corruptCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(StorageError);
    return (e as StorageError).code;
  }
  return undefined;
}

describe("schema", () => {
  it("opens the latest version (9) with every table and its indexes", async () => {
    const db = openDb();
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect(db.tables.map((t) => t.name).sort()).toEqual(
      [
        "broadcasts",
        "commitLog",
        "commitLogChains",
        "consent",
        "conversations",
        "cursors",
        "groupEpochs",
        "groups",
        "identity",
        "intents",
        "keyPackages",
        "messages",
        "names",
        "secrets",
        "welcomeLineages",
      ].sort(),
    );
    expect(db.messages.schema.idxByName["[conversationId+sentAtNs+id]"]).toBeDefined();
    expect(db.messages.schema.idxByName["expiresAtNs"]).toBeDefined(); // v8: disappearing messages
    expect(db.conversations.schema.idxByName["lastMessageAtNs"]).toBeDefined();
    expect(db.intents.schema.idxByName["status"]).toBeDefined();
    expect(db.consent.schema.idxByName["[kind+state]"]).toBeDefined();
    expect(db.broadcasts.schema.idxByName["createdAt"]).toBeDefined(); // v9: broadcasts resume
    db.close();
  });
});

describe("identity and sealing", () => {
  it("round-trips the identity and never stores the private key in clear", async () => {
    const name = dbName();
    const db = openDb(name);
    const id = identity();
    await saveIdentity(db, id);
    const back = await loadIdentity(db);
    expect(back).toEqual({ ...id, address: id.address.toLowerCase() });
    db.close();

    const records = await rawRecords(name);
    expect(records.length).toBeGreaterThanOrEqual(2); // wrapping key + identity
    for (const bytes of bytesIn(records)) {
      expect(contains(bytes, id.installationPrivateKey)).toBe(false);
      expect(contains(bytes, new TextEncoder().encode(toHex(id.installationPrivateKey)))).toBe(
        false,
      );
    }
  });

  it("keeps a non-extractable device key that only wraps the (non-extractable) data key, created once", async () => {
    const db = openDb();
    const k1 = await db.sealing.dataKey();
    expect(k1.extractable).toBe(false);
    await saveIdentity(db, identity());
    const rows = await db.secrets.toArray();
    expect(rows.map((r) => r.id).sort()).toEqual(["data_key", "wrapping_key"]);
    const device = rows.find((r) => r.id === "wrapping_key") as DeviceKeyRow;
    expect(device.key).toBeInstanceOf(CryptoKey);
    expect(device.key.extractable).toBe(false);
    const data = rows.find((r) => r.id === "data_key") as DataKeyRow;
    expect(data.mode).toBe("device");
    expect(data.wrapped.ct).toHaveLength(32 + 16); // 32 key bytes + GCM tag, never in clear
    expect(await db.sealing.dataKey()).toBe(k1);
    db.close();
  });

  it("two connections racing to create the wrapping key end up sharing one", async () => {
    const name = dbName();
    const [a, b] = [openDb(name), openDb(name)];
    await Promise.all([a.sealing.dataKey(), b.sealing.dataKey()]);
    expect(await a.secrets.count()).toBe(2);
    const sealed = await a.sealing.seal("p", new Uint8Array([1, 2, 3]));
    expect(await b.sealing.open("p", sealed)).toEqual(new Uint8Array([1, 2, 3]));
    a.close();
    b.close();
  });

  it("detects a tampered sealed identity with sealed_record_corrupt", async () => {
    const db = openDb();
    await saveIdentity(db, identity());
    const row = (await db.identity.get("self"))!;
    const ct = row.installationKeySealed.ct.slice();
    ct[0]! ^= 1;
    await db.identity.put({ ...row, installationKeySealed: { ...row.installationKeySealed, ct } });
    expect(await corruptCode(loadIdentity(db))).toBe("sealed_record_corrupt");
    await db.identity.put({
      ...row,
      installationKeySealed: { v: 1, nonce: new Uint8Array(3), ct },
    });
    expect(await corruptCode(loadIdentity(db))).toBe("sealed_record_corrupt");
    db.close();
  });

  it("a sealed blob moved to another purpose does not open", async () => {
    const db = openDb();
    const sealed = await db.sealing.seal("identity:installation_key", randomBytes(32));
    expect(await corruptCode(db.sealing.open("key_package:00", sealed))).toBe(
      "sealed_record_corrupt",
    );
    db.close();
  });

  it("setRegistered flips the flag and needs an identity", async () => {
    const db = openDb();
    expect(await corruptCode(setRegistered(db, true))).toBe("not_found");
    await saveIdentity(db, identity());
    await setRegistered(db, true);
    expect((await loadIdentity(db))!.registered).toBe(true);
    db.close();
  });
});

describe("group state", () => {
  it("round-trips sealed state and epoch; the state is not stored in clear", async () => {
    const name = dbName();
    const db = openDb(name);
    const state = randomBytes(200);
    await putGroupState(db, "AABBCC", state, 7n);
    const got = await getGroupState(db, new Uint8Array([0xaa, 0xbb, 0xcc]));
    expect(got).toMatchObject({ groupId: "aabbcc", state, epoch: 7n, conversationId: "aabbcc" });
    db.close();
    for (const bytes of bytesIn(await rawRecords(name)))
      expect(contains(bytes, state.slice(0, 16))).toBe(false);
  });

  it("rejects a state swapped from another group or relabelled with another epoch", async () => {
    const db = openDb();
    await putGroupState(db, "01", randomBytes(50), 1n);
    await putGroupState(db, "02", randomBytes(50), 1n);
    const a = (await db.groups.get("01"))!;
    const b = (await db.groups.get("02"))!;
    await db.groups.put({ ...b, stateSealed: a.stateSealed });
    expect(await corruptCode(getGroupState(db, "02"))).toBe("sealed_record_corrupt");
    await db.groups.put({ ...a, epoch: "2" });
    expect(await corruptCode(getGroupState(db, "01"))).toBe("sealed_record_corrupt");
    db.close();
  });
});

describe("group state in two parts (v4)", () => {
  it("a send rewrites only the main part; both parts are sealed and round-trip", async () => {
    const name = dbName();
    const db = openDb(name);
    const main1 = randomBytes(60);
    const tree = randomBytes(400);
    const first = await putGroupStateParts(db, "0c", { main: main1, epochPart: tree }, 4n);
    const epochRow = await db.groupEpochs.get("0c");
    const main2 = randomBytes(60);
    const second = await putGroupStateParts(
      db,
      "0c",
      { main: main2, keepEpochStamp: first.epochStamp },
      4n,
    );
    expect(second.epochStamp).toBe(first.epochStamp);
    expect(second.stamp).not.toBe(first.stamp);
    // The epoch part's row was not written again.
    expect(await db.groupEpochs.get("0c")).toEqual(epochRow);
    expect(await getGroupState(db, "0c")).toMatchObject({
      state: main2,
      epochPart: tree,
      epoch: 4n,
      stamp: second.stamp,
    });
    db.close();
    for (const bytes of bytesIn(await rawRecords(name))) {
      expect(contains(bytes, tree.slice(0, 16))).toBe(false);
      expect(contains(bytes, main2.slice(0, 16))).toBe(false);
    }
  });

  it("refuses to pair a main part with an epoch part another writer replaced", async () => {
    const db = openDb();
    const a = await putGroupStateParts(
      db,
      "0d",
      { main: randomBytes(20), epochPart: randomBytes(90) },
      1n,
    );
    await putGroupStateParts(db, "0d", { main: randomBytes(20), epochPart: randomBytes(90) }, 2n);
    expect(
      await corruptCode(
        putGroupStateParts(db, "0d", { main: randomBytes(20), keepEpochStamp: a.epochStamp }, 2n),
      ),
    ).toBe("stale_state");
    db.close();
  });

  it("a main part does not open beside another write's epoch part", async () => {
    const db = openDb();
    await putGroupStateParts(db, "0e", { main: randomBytes(20), epochPart: randomBytes(90) }, 1n);
    const old = (await db.groupEpochs.get("0e"))!;
    await putGroupStateParts(db, "0e", { main: randomBytes(20), epochPart: randomBytes(90) }, 1n);
    // A stale epoch part put back (e.g. a restored file) is noticed, never paired.
    await db.groupEpochs.put(old);
    expect(await corruptCode(getGroupState(db, "0e"))).toBe("sealed_record_corrupt");
    const row = (await db.groupEpochs.get("0e"))!;
    await db.groupEpochs.put({ ...row, stamp: (await db.groups.get("0e"))!.epochStamp! });
    expect(await corruptCode(getGroupState(db, "0e"))).toBe("sealed_record_corrupt");
    db.close();
  });

  it("a pre-v4 whole state still opens, and a whole-state write drops a stale epoch part", async () => {
    const db = openDb();
    await putGroupStateParts(db, "0f", { main: randomBytes(20), epochPart: randomBytes(90) }, 1n);
    const whole = randomBytes(120);
    await putGroupState(db, "0f", whole, 2n);
    expect(await db.groupEpochs.get("0f")).toBeUndefined();
    const got = (await getGroupState(db, "0f"))!;
    expect(got.state).toEqual(whole);
    expect(got.epochPart).toBeUndefined();
    db.close();
  });
});

describe("key packages", () => {
  it("current is the newest; older ones stay readable by ref until deleted", async () => {
    const db = openDb();
    const old = { publicBytes: randomBytes(40), privateBytes: randomBytes(64), createdAtNs: 1n };
    const neu = { publicBytes: randomBytes(40), privateBytes: randomBytes(64), createdAtNs: 2n };
    const oldRef = await putKeyPackage(db, old);
    const newRef = await putKeyPackage(db, neu);
    expect((await currentKeyPackage(db))!).toEqual({ ref: newRef, ...neu });
    expect((await getKeyPackage(db, oldRef))!.privateBytes).toEqual(old.privateBytes);
    const raw = (await db.keyPackages.get(oldRef))!;
    expect(contains(raw.privateSealed.ct, old.privateBytes.slice(0, 16))).toBe(false);
    db.close();
  });
});

describe("clearAll and reload", () => {
  it("reopening the same database name gives the same identity and state (a reload)", async () => {
    const name = dbName();
    const first = openDb(name);
    const id = identity();
    await saveIdentity(first, id);
    await putGroupState(first, "0a0b", new Uint8Array([5, 6, 7]), 3n);
    first.close();

    const second = openDb(name);
    expect((await loadIdentity(second))!.installationPrivateKey).toEqual(id.installationPrivateKey);
    expect((await getGroupState(second, "0a0b"))!.state).toEqual(new Uint8Array([5, 6, 7]));
    second.close();
  });

  it("clearAll deletes every row, the wrapping key included", async () => {
    const name = dbName();
    const db = openDb(name);
    await saveIdentity(db, identity());
    await putGroupState(db, "0a", new Uint8Array([1]), 0n);
    await clearAll(db);
    expect(await loadIdentity(db)).toBeUndefined();
    expect(await db.secrets.count()).toBe(0);
    db.close();
    expect(await rawRecords(name)).toEqual([]);
  });
});
