// History on a new device: one installation's archive, sealed, opened and merged into
// another installation's database (real IndexedDB via fake-indexeddb, real WebCrypto).
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { afterEach, describe, expect, it, vi } from "vitest";
import { aesGcmEncrypt, randomBytes, sha256, toHex, utf8 } from "../../crypto";
import {
  MessengerDb,
  addMessage,
  dmIdFor,
  getConversation,
  getMessage,
  importMessages,
  markMessageDeleted,
  type MessageRow,
  listConsentRecords,
  mergeConsentRecords,
  setConsentRecords,
  setConversationTimer,
  upsertConversation,
  type ConsentRecord,
  type MessageInput,
} from "../../storage";
import { ClientError } from "../errors";
import {
  ARCHIVE_VERSION,
  HistoryError,
  exportArchive,
  importArchive,
  openArchive,
  sealArchive,
  type HistoryArchive,
  type SealedArchive,
} from "./history-archive";

const SELF = "a1".repeat(32);
const PEER = "b2".repeat(32);
const STRANGER = "c3".repeat(32);
const DM = "d0".repeat(16);
const GROUP = "e0".repeat(16);
const SYNC = "f0".repeat(16);
const TEXT = "xmtp.org/text:1.0";

const openDb = () => new MessengerDb(`history-${crypto.randomUUID()}`, { indexedDB, IDBKeyRange });
const id = (label: string) => toHex(sha256(utf8(label)));

function message(
  label: string,
  conversationId: string,
  sentAtNs: bigint,
  more: Partial<MessageInput> = {},
): MessageInput {
  return {
    id: id(label),
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

/** The exporting installation: a dm, a group, the sync group, messages and consent. */
async function sourceDb(): Promise<MessengerDb> {
  const db = openDb();
  await upsertConversation(db, {
    id: DM,
    kind: "dm",
    peerInboxId: PEER,
    peerAddress: "0x" + "ab".repeat(20),
    dmId: dmIdFor(SELF, PEER),
    createdAtNs: 100n,
  });
  await upsertConversation(db, { id: GROUP, kind: "group", name: "Climbers", createdAtNs: 200n });
  await upsertConversation(db, { id: SYNC, kind: "sync", createdAtNs: 50n });
  await addMessage(db, message("dm-1", DM, 1_000n), { incoming: true, preview: "hi" });
  await addMessage(db, message("dm-2", DM, 2_000n, { senderInboxId: SELF }), { preview: "hey" });
  await addMessage(
    db,
    message("dm-pending", DM, 3_000n, { senderInboxId: SELF, status: "pending" }),
  );
  await addMessage(db, message("dm-failed", DM, 2_500n, { senderInboxId: SELF, status: "failed" }));
  await addMessage(db, message("group-1", GROUP, 1_500n, { nodeId: undefined }), { preview: "yo" });
  await addMessage(db, message("sync-1", SYNC, 1_600n));
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
async function allMessages(db: MessengerDb): Promise<MessageRow[]> {
  return Promise.all(
    (await db.messages.toArray()).map((m) => getMessage(db, m.id).then((r) => r!)),
  );
}

/** What applyConsentRecords does (last writer wins), on the importing database. */
function lwwInto(db: MessengerDb) {
  const calls: ConsentRecord[][] = [];
  const apply = async (records: ConsentRecord[]) => {
    calls.push(records);
    return mergeConsentRecords(db, records);
  };
  return { apply, calls };
}

/** Seals arbitrary bytes the way sealArchive does, for archives sealArchive would not make. */
async function sealBytes(plain: Uint8Array): Promise<SealedArchive> {
  const gz = new Blob([plain.slice()]).stream().pipeThrough(new CompressionStream("gzip"));
  const zipped = new Uint8Array(await new Response(gz).arrayBuffer());
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const payload = await aesGcmEncrypt(key, nonce, zipped);
  return { payload, key, nonce, digest: toHex(sha256(payload)), size: payload.length };
}

const sealJson = (value: unknown) => sealBytes(utf8(JSON.stringify(value)));

async function historyError(p: Promise<unknown>): Promise<HistoryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof HistoryError))
    throw new Error(`expected a HistoryError, got ${String(err)}`);
  return err;
}

afterEach(() => vi.restoreAllMocks());

describe("exportArchive", () => {
  it("takes dm and group conversations, their published messages oldest first, and consent", async () => {
    const db = await sourceDb();
    const archive = await exportArchive(db, SELF);

    expect(archive.version).toBe(ARCHIVE_VERSION);
    expect(archive.inboxId).toBe(SELF);
    expect(BigInt(archive.exportedAtNs)).toBeGreaterThan(0n);
    expect(archive.conversations.map((c) => c.id).sort()).toEqual([DM, GROUP]);
    expect(archive.conversations.every((c) => !("unreadCount" in c))).toBe(true);
    expect(archive.messages.map((m) => m.id)).toEqual(
      expect.arrayContaining([id("dm-1"), id("dm-2"), id("group-1")]),
    );
    expect(archive.messages).toHaveLength(3);
    const dm = archive.messages.filter((m) => m.conversationId === DM).map((m) => m.id);
    expect(dm).toEqual([id("dm-1"), id("dm-2")]);
    expect(archive.consent.map((c) => c.key).sort()).toEqual([
      `conversation:${DM}`,
      `inbox:${STRANGER}`,
    ]);
  });

  it("keeps only the newest N published messages of each conversation", async () => {
    const db = await sourceDb();
    for (let i = 0; i < 5; i++) await addMessage(db, message(`g${i}`, GROUP, 10_000n + BigInt(i)));
    await addMessage(db, message("g-pending", GROUP, 20_000n, { status: "pending" }));

    const archive = await exportArchive(db, SELF, { maxMessagesPerConversation: 2 });
    const group = archive.messages.filter((m) => m.conversationId === GROUP).map((m) => m.id);
    expect(group).toEqual([id("g3"), id("g4")]);
    const dm = archive.messages.filter((m) => m.conversationId === DM).map((m) => m.id);
    expect(dm).toEqual([id("dm-1"), id("dm-2")]);
  });

  it("refuses a bad inbox id or limit", async () => {
    const db = openDb();
    await expect(exportArchive(db, "not hex")).rejects.toThrow(ClientError);
    await expect(exportArchive(db, SELF, { maxMessagesPerConversation: 1.5 })).rejects.toThrow(
      /maxMessagesPerConversation/,
    );
  });
});

describe("export → seal → open → import", () => {
  it("a message deleted for everyone moves as deleted: its place and mark, never its content", async () => {
    const source = await sourceDb();
    const victim = message("dm-deleted", DM, 1_200n);
    await addMessage(source, victim, { silent: true });
    await markMessageDeleted(source, victim.id, { atNs: 1_300n, byAdmin: false });
    const archive = await openArchive(await sealArchive(await exportArchive(source, SELF)), SELF);
    const target = openDb();
    await importArchive(target, archive, lwwInto(target).apply);
    const got = (await getMessage(target, victim.id))!;
    expect(got.deleted).toEqual({ atNs: "00000000000000001300", byAdmin: false });
    expect(got.encodedContent).toHaveLength(0);
    // An archive claiming a deleted message that still carries content is refused.
    const bad = archive.messages.map((m) =>
      m.id === victim.id ? { ...m, encodedContent: "AAAA" } : m,
    );
    const err = await historyError(
      openArchive(await sealBytes(utf8(JSON.stringify({ ...archive, messages: bad }))), SELF),
    );
    expect(err.message).toContain("must be empty for a deleted message");
  });

  it("a disappearing message keeps its expiry on the new device (it vanishes there on time too)", async () => {
    const source = await sourceDb();
    await setConversationTimer(source, DM, { fromNs: 1n, inNs: 500n });
    const doomed = message("dm-doomed", DM, 4_000n); // the newest: the list's preview

    await addMessage(source, doomed, { preview: "doomed" });
    const archive = await openArchive(await sealArchive(await exportArchive(source, SELF)), SELF);
    const target = openDb();
    await importArchive(target, archive, lwwInto(target).apply);
    expect((await getMessage(target, doomed.id))!.expiresAtNs).toBe("00000000000000004500");
    expect((await getConversation(target, DM))!.lastMessageExpiresAtNs).toBe(
      "00000000000000004500",
    );
    const err = await historyError(
      openArchive(
        await sealBytes(
          utf8(
            JSON.stringify({
              ...archive,
              messages: archive.messages.map((m) => ({ ...m, expiresAtNs: "soon" })),
            }),
          ),
        ),
        SELF,
      ),
    );
    expect(err.message).toContain("expiresAtNs");
  });

  it("recreates conversations, messages (byte-exact) and consent on a fresh database", async () => {
    const source = await sourceDb();
    const sealed = await sealArchive(await exportArchive(source, SELF));
    expect(sealed.key).toHaveLength(32);
    expect(sealed.nonce).toHaveLength(12);
    expect(sealed.digest).toBe(toHex(sha256(sealed.payload)));
    expect(sealed.size).toBe(sealed.payload.length);

    const target = openDb();
    const { apply, calls } = lwwInto(target);
    const counts = await importArchive(target, await openArchive(sealed, SELF), apply);
    expect(counts).toEqual({ conversations: 2, messages: 3, consent: 2 });
    expect(calls).toHaveLength(1);

    for (const cid of [DM, GROUP]) {
      const { unreadCount: _unread, ...want } = (await getConversation(source, cid))!;
      expect(await getConversation(target, cid)).toEqual({ ...want, unreadCount: 0 });
    }
    expect(await getConversation(target, SYNC)).toBeUndefined();
    expect((await getConversation(source, DM))!.unreadCount).toBe(1);

    const published = (await allMessages(source)).filter(
      (m) => m.status === "published" && m.conversationId !== SYNC,
    );
    const imported = await allMessages(target);
    expect(imported).toHaveLength(published.length);
    for (const m of published) {
      const got = (await getMessage(target, m.id))!;
      expect(got).toEqual(m);
      expect(toHex(got.encodedContent)).toBe(toHex(m.encodedContent));
    }
    expect(await getMessage(target, id("dm-pending"))).toBeUndefined();
    expect(await getMessage(target, id("dm-failed"))).toBeUndefined();
    expect(await listConsentRecords(target)).toEqual(await listConsentRecords(source));
  });

  it("is idempotent: a second import adds nothing and changes nothing", async () => {
    const archive = await openArchive(
      await sealArchive(await exportArchive(await sourceDb(), SELF)),
      SELF,
    );
    const target = openDb();
    const { apply } = lwwInto(target);
    await importArchive(target, archive, apply);
    const before = {
      conversations: await target.conversations.toArray(),
      messages: await target.messages.toArray(),
      consent: await target.consent.toArray(),
    };

    expect(await importArchive(target, archive, apply)).toEqual({
      conversations: 0,
      messages: 0,
      consent: 0,
    });
    expect(await target.conversations.toArray()).toEqual(before.conversations);
    expect(await target.messages.toArray()).toEqual(before.messages);
    expect(await target.consent.toArray()).toEqual(before.consent);
  });

  it("seals with a fresh key and nonce every time", async () => {
    const archive = await exportArchive(await sourceDb(), SELF);
    const [a, b] = [await sealArchive(archive), await sealArchive(archive)];
    expect(toHex(a.key)).not.toBe(toHex(b.key));
    expect(toHex(a.nonce)).not.toBe(toHex(b.nonce));
    expect(a.digest).not.toBe(b.digest);
  });

  it("imports more messages than one chunk", async () => {
    const source = openDb();
    await upsertConversation(source, { id: GROUP, kind: "group", createdAtNs: 1n });
    const rows = Array.from({ length: 1_203 }, (_, i) => ({
      ...message(`bulk-${i}`, GROUP, 10n + BigInt(i)),
      conversationId: GROUP,
      sentAtNs: (10n + BigInt(i)).toString().padStart(20, "0"),
      nodeId: String(i + 1),
    }));
    await importMessages(source, rows);
    const archive = await exportArchive(source, SELF);
    const target = openDb();
    const counts = await importArchive(target, archive, lwwInto(target).apply);
    expect(counts.messages).toBe(1_203);
    expect(await target.messages.count()).toBe(1_203);
  });
});

describe("importArchive merges without losing newer local data", () => {
  it("keeps an existing row's fields and newer activity, fills what it lacks, never changes a message", async () => {
    const archive = await exportArchive(await sourceDb(), SELF);
    const target = openDb();
    // This device already knows the dm (joined later, newer activity, a local name-less row)
    // and the group (older activity than the archive's).
    await upsertConversation(target, {
      id: DM,
      kind: "dm",
      dmId: dmIdFor(SELF, PEER),
      peerInboxId: PEER,
      createdAtNs: 100n,
    });
    await addMessage(target, message("dm-newer", DM, 9_000n), {
      incoming: true,
      preview: "newest",
    });
    const mine = message("dm-1", DM, 1_000n, { encodedContent: new Uint8Array([7, 7, 7]) });
    await addMessage(target, mine, { silent: true });
    await upsertConversation(target, {
      id: GROUP,
      kind: "group",
      name: "Local name",
      createdAtNs: 200n,
    });
    await setConsentRecords(
      target,
      [{ entity: { kind: "conversation", id: DM }, state: "denied" }],
      9_000n,
    );

    const counts = await importArchive(target, archive, lwwInto(target).apply);
    expect(counts).toEqual({ conversations: 0, messages: 2, consent: 1 });

    const dm = (await getConversation(target, DM))!;
    expect(dm.lastMessageAtNs).toBe("00000000000000009000");
    expect(dm.lastMessagePreview).toBe("newest");
    expect(dm.unreadCount).toBe(1);
    expect(dm.peerAddress).toBe("0x" + "ab".repeat(20)); // filled in: the row lacked it

    const group = (await getConversation(target, GROUP))!;
    expect(group.name).toBe("Local name");
    expect(group.lastMessageAtNs).toBe("00000000000000001500"); // the archive's newer activity
    expect(group.lastMessagePreview).toBe("yo");
    expect(group.lastMessageSenderInboxId).toBe(PEER);

    expect([...(await getMessage(target, id("dm-1")))!.encodedContent]).toEqual([7, 7, 7]);
    expect(
      (await listConsentRecords(target)).find((r) => r.entity.kind === "conversation")?.state,
    ).toBe("denied");
  });

  it("gives a row that a welcome just made (newer, but with no message yet) the archive's preview", async () => {
    const archive = await exportArchive(await sourceDb(), SELF);
    const target = openDb();
    await upsertConversation(target, { id: GROUP, kind: "group", createdAtNs: 99_000n });
    await importArchive(target, archive, lwwInto(target).apply);
    const group = (await getConversation(target, GROUP))!;
    expect(group.lastMessagePreview).toBe("yo");
    expect(group.lastMessageSenderInboxId).toBe(PEER);
  });

  it("refuses a hand-made archive with a bad field before storing anything", async () => {
    const archive = await exportArchive(await sourceDb(), SELF);
    const bad = {
      ...archive,
      messages: [...archive.messages, { ...archive.messages[0]!, sentAtNs: "5" }],
    };
    const target = openDb();
    const err = await historyError(importArchive(target, bad, lwwInto(target).apply));
    expect(err.code).toBe("malformed");
    expect(err.message).toContain("messages[3].sentAtNs");
    expect(await target.conversations.count()).toBe(0);
  });
});

describe("openArchive refuses", () => {
  it("a tampered payload by its digest, without decrypting it", async () => {
    const sealed = await sealArchive(await exportArchive(await sourceDb(), SELF));
    const payload = sealed.payload.slice();
    payload[10]! ^= 1;
    const decrypt = vi.spyOn(crypto.subtle, "decrypt");
    const err = await historyError(openArchive({ ...sealed, payload }, SELF));
    expect(err.code).toBe("digest_mismatch");
    expect(decrypt).not.toHaveBeenCalled();
  });

  it("the right payload under the wrong key", async () => {
    const sealed = await sealArchive(await exportArchive(await sourceDb(), SELF));
    const decrypt = vi.spyOn(crypto.subtle, "decrypt");
    const err = await historyError(openArchive({ ...sealed, key: randomBytes(32) }, SELF));
    expect(err.code).toBe("decrypt_failed");
    expect(decrypt).toHaveBeenCalledOnce();
  });

  it("another inbox's history", async () => {
    const sealed = await sealArchive(await exportArchive(await sourceDb(), SELF));
    const err = await historyError(openArchive(sealed, STRANGER));
    expect(err.code).toBe("wrong_inbox");
    expect(err.message).toContain(SELF);
  });

  it("a gzip bomb past the inflate cap", async () => {
    const sealed = await sealBytes(new Uint8Array(16 * 1024 * 1024));
    expect(sealed.size).toBeLessThan(100_000);
    const err = await historyError(openArchive(sealed, SELF, { maxInflatedBytes: 1024 * 1024 }));
    expect(err.code).toBe("too_large");
  });

  it("bytes that are not gzip, not UTF-8 or not JSON", async () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const payload = await aesGcmEncrypt(key, nonce, utf8("plain, not gzip"));
    const notGzip = { payload, key, nonce, digest: toHex(sha256(payload)) };
    expect((await historyError(openArchive(notGzip, SELF))).code).toBe("malformed");
    const notUtf8 = await historyError(
      openArchive(await sealBytes(new Uint8Array([0xff, 0xfe])), SELF),
    );
    expect(notUtf8.code).toBe("malformed");
    const notJson = await historyError(openArchive(await sealBytes(utf8("{nope")), SELF));
    expect(notJson.message).toMatch(/not JSON/);
  });

  it("a malformed archive, naming the field", async () => {
    const good = await exportArchive(await sourceDb(), SELF);
    const m0 = good.messages[0]!;
    const c0 = good.conversations[0]!;
    const cases: [unknown, RegExp][] = [
      [{ ...good, version: 2 }, /archive\.version must be 1, got 2/],
      [{ ...good, inboxId: "XYZ" }, /archive\.inboxId must be lowercase hex/],
      [{ ...good, conversations: "none" }, /archive\.conversations must be a list/],
      [
        { ...good, conversations: [{ ...c0, id: "abc" }, ...good.conversations.slice(1)] },
        /conversations\[0\]\.id/,
      ],
      [{ ...good, conversations: [{ ...c0, kind: "sync" }] }, /conversations\[0\]\.kind/],
      [
        { ...good, conversations: [{ ...c0, createdAtNs: "12" }] },
        /conversations\[0\]\.createdAtNs/,
      ],
      [
        { ...good, messages: [{ ...m0, id: "zz".repeat(32) }] },
        /messages\[0\]\.id must be lowercase hex/,
      ],
      [
        { ...good, messages: [{ ...m0, encodedContent: "***" }] },
        /messages\[0\]\.encodedContent must be padded base64/,
      ],
      [{ ...good, messages: [{ ...m0, status: "pending" }] }, /messages\[0\]\.status/],
      [{ ...good, messages: [{ ...m0, contentType: "text" }] }, /messages\[0\]\.contentType/],
      [
        { ...good, messages: [{ ...m0, conversationId: "99".repeat(16) }] },
        /messages\[0\]\.conversationId .* not among/,
      ],
      [{ ...good, messages: [m0, m0] }, /messages\[1\] repeats/],
      [{ ...good, consent: [{ ...good.consent[0]!, key: `inbox:${PEER}` }] }, /consent\[0\]\.key/],
      [{ ...good, consent: [{ ...good.consent[0]!, state: "blocked" }] }, /consent\[0\]\.state/],
    ];
    for (const [value, message] of cases) {
      const err = await historyError(openArchive(await sealJson(value), SELF));
      expect(err.code, String(message)).toBe("malformed");
      expect(err.message).toMatch(message);
    }
  });

  it("an archive whose digest or key has the wrong shape", async () => {
    const sealed = await sealArchive(await exportArchive(await sourceDb(), SELF));
    expect((await historyError(openArchive({ ...sealed, digest: "abc" }, SELF))).message).toMatch(
      /digest/,
    );
    expect(
      (await historyError(openArchive({ ...sealed, key: new Uint8Array(16) }, SELF))).message,
    ).toMatch(/key/);
  });

  it("opens what it sealed, with base64 content intact", async () => {
    const archive: HistoryArchive = await exportArchive(await sourceDb(), SELF);
    const opened = await openArchive(await sealArchive(archive), SELF.toUpperCase());
    expect(opened).toEqual(archive);
    expect(opened.messages[0]!.encodedContent).toBe(archive.messages[0]!.encodedContent);
  });
});
