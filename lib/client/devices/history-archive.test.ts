// History on a new device: one installation's archive, sealed, opened and merged into
// another installation's database (real IndexedDB via fake-indexeddb, real WebCrypto).
import { describe, expect, it } from "vitest";
import { sha256, toHex } from "../../crypto";
import {
  MessengerDb,
  addMessage,
  dmIdFor,
  getConversation,
  getMessage,
  importMessages,
  markMessageDeleted,
  listConsentRecords,
  setConsentRecords,
  setConversationTimer,
  upsertConversation,
  type ConsentRecord,
} from "../../storage";
import { openDb } from "../../storage/test/helpers";
import { ClientError } from "../errors";
import { SYNC, historyError, sealJson, sourceDb } from "../test/archives";
import {
  DM,
  GROUP,
  PEER,
  PEER_ADDRESS,
  SELF,
  STRANGER,
  labelId,
  mergeConsentInto,
  message,
  openedMessages,
} from "../test/local-history";
import {
  ARCHIVE_VERSION,
  exportArchive,
  importArchive,
  openArchive,
  sealArchive,
} from "./history-archive";

/** The importing side's consent merge, recording each batch it is given. */
function lwwInto(db: MessengerDb) {
  const calls: ConsentRecord[][] = [];
  const merge = mergeConsentInto(db);
  const apply = async (records: ConsentRecord[]) => {
    calls.push(records);
    return merge(records);
  };
  return { apply, calls };
}

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
      expect.arrayContaining([labelId("dm-1"), labelId("dm-2"), labelId("group-1")]),
    );
    expect(archive.messages).toHaveLength(3);
    const dm = archive.messages.filter((m) => m.conversationId === DM).map((m) => m.id);
    expect(dm).toEqual([labelId("dm-1"), labelId("dm-2")]);
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
    expect(group).toEqual([labelId("g3"), labelId("g4")]);
    const dm = archive.messages.filter((m) => m.conversationId === DM).map((m) => m.id);
    expect(dm).toEqual([labelId("dm-1"), labelId("dm-2")]);
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
      openArchive(await sealJson({ ...archive, messages: bad }), SELF),
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
        await sealJson({
          ...archive,
          messages: archive.messages.map((m) => ({ ...m, expiresAtNs: "soon" })),
        }),
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

    const published = (await openedMessages(source)).filter(
      (m) => m.status === "published" && m.conversationId !== SYNC,
    );
    const imported = await openedMessages(target);
    expect(imported).toHaveLength(published.length);
    for (const m of published) {
      const got = (await getMessage(target, m.id))!;
      expect(got).toEqual(m);
      expect(toHex(got.encodedContent)).toBe(toHex(m.encodedContent));
    }
    expect(await getMessage(target, labelId("dm-pending"))).toBeUndefined();
    expect(await getMessage(target, labelId("dm-failed"))).toBeUndefined();
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
    expect(dm.peerAddress).toBe(PEER_ADDRESS); // filled in: the row lacked it

    const group = (await getConversation(target, GROUP))!;
    expect(group.name).toBe("Local name");
    expect(group.lastMessageAtNs).toBe("00000000000000001500"); // the archive's newer activity
    expect(group.lastMessagePreview).toBe("yo");
    expect(group.lastMessageSenderInboxId).toBe(PEER);

    expect([...(await getMessage(target, labelId("dm-1")))!.encodedContent]).toEqual([7, 7, 7]);
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
