// Backup files: header and KDF bounds, the round trip through a real database (fake-indexeddb,
// real argon2id and WebCrypto), and every way a file can be wrong — each refused with its own
// code and leaving the target database exactly as it was.
import { beforeAll, describe, expect, it } from "vitest";
import { rejectionOf } from "../../../test/support/refusal";
import { randomBytes, toHex, utf8 } from "../../crypto";
import {
  addMessage,
  listConsentRecords,
  upsertConversation,
  type MessengerDb,
} from "../../storage";
import { openDb } from "../../storage/test/helpers";
import {
  DM,
  GROUP,
  PEER,
  SELF,
  historyDb,
  mergeConsentInto,
  message,
  openedMessages,
} from "../test/local-history";
import { BackupError } from "./backup-error";
import { DEFAULT_KDF, HEADER_BYTES, KDF_BOUNDS, decodeHeader, encodeHeader } from "./backup-header";
import { restoreBackup, writeBackup } from "./backup";
import { passphraseStrength } from "./passphrase";

const PASS = "blue heron at dawn 42";
const MESSAGES = 2_300; // three message frames (1,000 each) and a trailer

/** The backed-up installation: a dm and a group holding MESSAGES messages, and consent. */
async function sourceDb(): Promise<MessengerDb> {
  const db = await historyDb();
  for (let i = 0; i < MESSAGES; i++) {
    const conversationId = i % 3 === 0 ? GROUP : DM;
    await addMessage(
      db,
      message(`m${i}`, conversationId, 1_000n + BigInt(i), {
        senderInboxId: i % 2 ? SELF : PEER,
        encodedContent: randomBytes(40),
      }),
    );
  }
  // Not published yet: a backup holds what the node has, as history sync does.
  await addMessage(
    db,
    message("pending", DM, 9_999_999n, {
      senderInboxId: SELF,
      encodedContent: utf8("typing"),
      status: "pending",
      nodeId: undefined,
    }),
  );
  return db;
}

function targetFor(db: MessengerDb, inboxId = SELF) {
  return { db, inboxId, applyConsent: mergeConsentInto(db) };
}

/** A comparable picture of a database: every message (opened), conversation ids, consent. */
async function picture(db: MessengerDb) {
  const messages = (await openedMessages(db)).map(
    (r) => `${r.id}:${r.status}:${toHex(r.encodedContent)}`,
  );
  return {
    conversations: (await db.conversations.toArray()).map((c) => c.id).sort(),
    messages: messages.sort(),
    consent: (await listConsentRecords(db)).map((r) => `${JSON.stringify(r.entity)}:${r.state}`),
  };
}

const refusal = async (p: Promise<unknown>) => (await rejectionOf(p, BackupError)).code;

const bytesOf = async (b: Blob) => new Uint8Array(await b.arrayBuffer());

/** Frame boundaries after the header: [start, end) of each frame (prefix included). */
function frames(bytes: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  for (let at = HEADER_BYTES; at < bytes.length;) {
    const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(at + 1);
    out.push([at, at + 5 + len]);
    at += 5 + len;
  }
  return out;
}

describe("passphrase rule", () => {
  it("needs 12 characters and 50 estimated bits; repeats and runs count for little", () => {
    expect(passphraseStrength("short1!").acceptable).toBe(false);
    expect(passphraseStrength("aaaaaaaaaaaaaaaaaaaa").acceptable).toBe(false);
    expect(passphraseStrength("abcdefghijklmnop").acceptable).toBe(false);
    expect(passphraseStrength("123456789012345").acceptable).toBe(false);
    expect(passphraseStrength("password1234").acceptable).toBe(false);
    expect(passphraseStrength("short1!").hint).toMatch(/at least 12 characters \(7 so far\)/);
    const ok = passphraseStrength(PASS);
    expect(ok.acceptable).toBe(true);
    expect(passphraseStrength("correct horse battery staple").level).toBe("strong");
  });
});

describe("backup header", () => {
  it("round-trips and refuses absurd KDF parameters from a hostile file, naming the field", () => {
    const salt = randomBytes(16);
    const check = randomBytes(16);
    const h = decodeHeader(encodeHeader(DEFAULT_KDF, salt, check));
    expect(h.kdf).toEqual(DEFAULT_KDF);
    expect(h.salt).toEqual(salt);
    const hostile = (patch: (v: DataView, b: Uint8Array) => void) => {
      const b = encodeHeader(DEFAULT_KDF, salt, check);
      patch(new DataView(b.buffer), b);
      return () => decodeHeader(b);
    };
    // 4 TiB of memory, a billion passes, 255 lanes, and a KDF weaker than we ever write.
    expect(hostile((v) => v.setUint32(8, 0xffffffff))).toThrow(
      /m=4294967295, outside the accepted 19456\.\.262144/,
    );
    expect(hostile((v) => v.setUint32(12, 1_000_000_000))).toThrow(/t=1000000000/);
    expect(hostile((_, b) => (b[16] = 255))).toThrow(/p=255/);
    expect(hostile((v) => v.setUint32(8, 8))).toThrow(/m=8/);
    expect(hostile((v) => v.setUint32(12, 1))).toThrow(/t=1/);
    expect(hostile((_, b) => (b[7] = 2))).toThrow(/unknown key derivation 2/);
    expect(hostile((_, b) => (b[6] = 2))).toThrow(/format version 2/);
    expect(hostile((_, b) => (b[0] = 0x50))).toThrow(/not a messenger backup/);
    expect(() => decodeHeader(utf8("MSGBAK\x01"))).toThrow(/ends inside its header \(7 of 49/);
    expect(() => decodeHeader(new Uint8Array(10))).toThrow(/not a messenger backup/);
    expect(KDF_BOUNDS.m.max).toBe(262_144);
  });
});

describe("backup file", () => {
  let source: MessengerDb;
  let file: Blob;
  let bytes: Uint8Array;

  beforeAll(async () => {
    source = await sourceDb();
    const made = await writeBackup({ db: source, inboxId: SELF }, PASS);
    file = made.file;
    bytes = await bytesOf(file);
    expect(made.summary).toEqual({ conversations: 2, messages: MESSAGES, consent: 2 });
  }, 60_000);

  it("holds every published message in several frames, and nothing readable", () => {
    expect(frames(bytes)).toHaveLength(1 + 3 + 1); // conversations+consent, 3 of messages, end
    expect(frames(bytes).at(-1)![1]).toBe(bytes.length);
    expect(new TextDecoder().decode(bytes)).not.toContain("Climbers");
  });

  it("restores into a fresh database: the same messages and consent; again, nothing new", async () => {
    const db = openDb();
    const phases = new Set<string>();
    const first = await restoreBackup(targetFor(db), file, PASS, {
      onProgress: (p) => phases.add(p.phase),
    });
    expect(first).toMatchObject({ messages: MESSAGES, newMessages: MESSAGES, newConversations: 2 });
    expect([...phases]).toEqual(["key", "checking", "restoring"]);
    const want = await picture(source);
    want.messages = want.messages.filter((m) => !m.includes(":pending:"));
    expect(await picture(db)).toEqual(want);
    const before = await picture(db);
    const again = await restoreBackup(targetFor(db), file, PASS);
    expect(again).toMatchObject({ newMessages: 0, newConversations: 0 });
    expect(await picture(db)).toEqual(before);
  }, 60_000);

  it("refuses a weak passphrase before reading anything", async () => {
    expect(await refusal(writeBackup({ db: source, inboxId: SELF }, "password1234"))).toBe(
      "weak_passphrase",
    );
  });

  /** Restores `bad` into a database holding one message; it must stay exactly so. */
  async function refusedAndUnchanged(bad: Blob, pass = PASS, inbox = SELF) {
    const db = openDb();
    await upsertConversation(db, { id: "ff".repeat(16), kind: "group", createdAtNs: 1n });
    const before = await picture(db);
    const code = await refusal(restoreBackup(targetFor(db, inbox), bad, pass));
    expect(await picture(db)).toEqual(before);
    return code;
  }

  it("a wrong passphrase: wrong_passphrase, nothing changed", async () => {
    expect(await refusedAndUnchanged(file, "blue heron at dusk 42")).toBe("wrong_passphrase");
  }, 30_000);

  it("another inbox's backup is refused: its consent must not become ours", async () => {
    expect(await refusedAndUnchanged(file, PASS, PEER)).toBe("wrong_inbox");
  }, 30_000);

  it("a changed byte in a later frame: damaged, and the earlier frames were not stored", async () => {
    const t = bytes.slice();
    const [start, end] = frames(t)[3]!;
    t[Math.floor((start + end) / 2)]! ^= 1;
    expect(await refusedAndUnchanged(new Blob([t]))).toBe("damaged");
  }, 30_000);

  it("two frames swapped: damaged", async () => {
    const f = frames(bytes);
    const part = (i: number) => bytes.slice(f[i]![0], f[i]![1]);
    const t = new Blob([bytes.slice(0, f[1]![0]), part(2), part(1), bytes.slice(f[3]![0])]);
    expect(await refusedAndUnchanged(t)).toBe("damaged");
  }, 30_000);

  it("a changed salt in the header: refused as the wrong passphrase (the check differs)", async () => {
    const t = bytes.slice();
    t[20]! ^= 1;
    expect(await refusedAndUnchanged(new Blob([t]))).toBe("wrong_passphrase");
  }, 30_000);

  it("cut short — inside a frame, or just before the last frame: truncated", async () => {
    const f = frames(bytes);
    expect(await refusedAndUnchanged(new Blob([bytes.slice(0, f[2]![0] + 100)]))).toBe("truncated");
    expect(await refusedAndUnchanged(new Blob([bytes.slice(0, f.at(-1)![0])]))).toBe("truncated");
  }, 30_000);

  it("bytes added after the last frame: damaged", async () => {
    expect(await refusedAndUnchanged(new Blob([bytes.slice(), new Uint8Array([1, 2, 3])]))).toBe(
      "damaged",
    );
  }, 30_000);

  it("a hostile header asking for 4 GiB is refused before any key derivation", async () => {
    const t = bytes.slice();
    new DataView(t.buffer).setUint32(8, 0xffffffff);
    const started = performance.now();
    expect(await refusedAndUnchanged(new Blob([t]))).toBe("bad_kdf_params");
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("not a backup at all", async () => {
    expect(await refusedAndUnchanged(new Blob([utf8("hello, this is a text file").slice()]))).toBe(
      "not_a_backup",
    );
  });
});
