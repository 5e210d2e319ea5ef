import { describe, expect, it } from "vitest";
import { sha256, toHex, utf8 } from "../../crypto";
import {
  StorageError,
  addMessage,
  allCursors,
  clearAll,
  conversationsByDmId,
  dmIdFor,
  getConversation,
  getCursor,
  getMessage,
  groupTopic,
  listConversations,
  markConversationRead,
  messagesPage,
  nextIntents,
  nsKey,
  putIntent,
  setCursor,
  setMessageStatus,
  updateIntent,
  upsertConversation,
  welcomeTopic,
  type MessageInput,
  type MessengerDb,
} from "..";
import { dbName, openDb } from "./helpers";

const ALICE = "a".repeat(64);
const BOB = "b".repeat(64);

const mid = (s: string) => toHex(sha256(utf8(s)));

function msg(
  conversationId: string,
  n: number,
  sentAtNs: bigint,
  extra: Partial<MessageInput> = {},
): MessageInput {
  return {
    id: mid(`${conversationId}:${n}`),
    conversationId,
    senderInboxId: BOB,
    sentAtNs,
    contentType: "xmtp.org/text:1.0",
    encodedContent: utf8(`m${n}`),
    status: "published",
    ...extra,
  };
}

async function group(db: MessengerDb, id: string, createdAtNs = 1n) {
  return upsertConversation(db, { id, kind: "group", createdAtNs, name: `g${id}` });
}

async function errCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(StorageError);
    return (e as StorageError).code;
  }
  return undefined;
}

describe("timestamps", () => {
  it("index keys sort like the numbers across the uint64 range", () => {
    const values = [0n, 9n, 10n, 1_700_000_000_000_000_000n, (1n << 64n) - 1n];
    const keys = values.map((v) => nsKey(v));
    expect([...keys].sort()).toEqual(keys);
    expect(() => nsKey(-1n)).toThrow(StorageError);
    expect(() => nsKey(1n << 64n)).toThrow("uint64");
  });
});

describe("addMessage", () => {
  it("stores a re-delivered message once and moves the conversation's activity in step", async () => {
    const db = openDb();
    await group(db, "01", 5n);
    const m = msg("01", 1, 100n);
    expect(await addMessage(db, m, { incoming: true, preview: "hello" })).toEqual({
      inserted: true,
    });
    expect(await addMessage(db, m, { incoming: true, preview: "hello" })).toEqual({
      inserted: false,
    });
    expect(await db.messages.count()).toBe(1);
    const conv = (await getConversation(db, "01"))!;
    expect(conv).toMatchObject({
      lastMessageAtNs: nsKey(100n),
      lastMessagePreview: "hello",
      unreadCount: 1,
    });

    // An older message (history) neither rewinds the activity nor the preview.
    await addMessage(db, msg("01", 0, 50n), { incoming: true, preview: "older" });
    expect(await getConversation(db, "01")).toMatchObject({
      lastMessageAtNs: nsKey(100n),
      lastMessagePreview: "hello",
      unreadCount: 2,
    });

    await markConversationRead(db, "01");
    expect((await getConversation(db, "01"))!.unreadCount).toBe(0);
    db.close();
  });

  it("a kept message after a disappearing one leaves the preview without an expiry, the rest as it was", async () => {
    const db = openDb();
    await group(db, "01", 5n);
    await db.conversations.update("01", { disappearing: { fromNs: nsKey(0n), inNs: "1000" } });
    await addMessage(db, msg("01", 1, 100n), { incoming: true, preview: "gone soon" });
    expect(await getConversation(db, "01")).toMatchObject({
      lastMessageExpiresAtNs: nsKey(1100n),
      unreadCount: 1,
    });

    await addMessage(db, msg("01", 2, 200n), { incoming: true, preview: "kept", permanent: true });
    const conv = (await getConversation(db, "01"))!;
    expect("lastMessageExpiresAtNs" in conv).toBe(false);
    expect(conv).toMatchObject({
      lastMessageAtNs: nsKey(200n),
      lastMessagePreview: "kept",
      unreadCount: 2,
      name: "g01",
      disappearing: { fromNs: nsKey(0n), inNs: "1000" },
    });
    db.close();
  });

  it("our pending message coming back published takes the node's id and timestamp", async () => {
    const db = openDb();
    await group(db, "01");
    const mine = msg("01", 1, 100n, { status: "pending", senderInboxId: ALICE });
    await addMessage(db, mine, { preview: "hi" });
    expect(
      await addMessage(db, { ...mine, status: "published", sentAtNs: 120n, nodeId: 77n }),
    ).toEqual({ inserted: false });
    expect(await getMessage(db, mine.id)).toMatchObject({
      status: "published",
      sentAtNs: nsKey(120n),
      nodeId: "77",
    });
    expect(await getConversation(db, "01")).toMatchObject({
      lastMessageAtNs: nsKey(120n),
      unreadCount: 0,
    });
    db.close();
  });

  it("refuses a message for an unknown conversation and leaves nothing behind", async () => {
    const db = openDb();
    expect(await errCode(addMessage(db, msg("09", 1, 1n)))).toBe("not_found");
    expect(await db.messages.count()).toBe(0);
    db.close();
  });

  it("setMessageStatus marks a failed send and knows missing ids", async () => {
    const db = openDb();
    await group(db, "01");
    const m = msg("01", 1, 10n, { status: "pending" });
    await addMessage(db, m);
    await setMessageStatus(db, m.id, "failed");
    expect((await getMessage(db, m.id))!.status).toBe("failed");
    expect(await errCode(setMessageStatus(db, mid("nope"), "failed"))).toBe("not_found");
    db.close();
  });
});

describe("thread paging", () => {
  it("returns pages in sentAtNs order, walking back without gaps or repeats (ties included)", async () => {
    const db = openDb();
    await group(db, "01");
    await group(db, "02");
    // Inserted out of order; 3 messages share one timestamp; another conversation interleaves.
    const times = [500n, 100n, 300n, 300n, 300n, 200n, 10_000_000_000_000_000_000n, 400n];
    for (const [n, t] of times.entries()) {
      await addMessage(db, msg("01", n, t));
      await addMessage(db, msg("02", n, t + 1n));
    }
    const all = await messagesPage(db, "01", { limit: 100 });
    // Every page size splits the run of equal timestamps somewhere.
    for (const limit of [1, 2, 3, 4]) {
      const seen: string[] = [];
      let page = await messagesPage(db, "01", { limit });
      while (page.length) {
        seen.unshift(...page.map((r) => r.id));
        const first = page[0]!;
        page = await messagesPage(db, "01", {
          beforeSentAtNs: BigInt(first.sentAtNs),
          beforeId: first.id,
          limit,
        });
      }
      expect(seen, `limit ${limit}`).toEqual(all.map((r) => r.id));
    }
    expect(all).toHaveLength(times.length);
    expect(all.every((r) => r.conversationId === "01")).toBe(true);
    const sent = all.map((r) => BigInt(r.sentAtNs));
    expect(sent).toEqual([...sent].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(sent.at(-1)).toBe(10_000_000_000_000_000_000n); // beyond 2^63 still sorts last

    // Without beforeId the cursor excludes the whole timestamp.
    const before300 = await messagesPage(db, "01", { beforeSentAtNs: 300n, limit: 10 });
    expect(before300.map((r) => BigInt(r.sentAtNs))).toEqual([100n, 200n]);
    expect(await errCode(messagesPage(db, "01", { limit: 0 }))).toBe("invalid_argument");
    db.close();
  });
});

describe("conversation list", () => {
  it("sorts by last activity, newest first; empty ones by creation", async () => {
    const db = openDb();
    await group(db, "01", 10n);
    await group(db, "02", 20n);
    await group(db, "03", 30n);
    await addMessage(db, msg("01", 1, 40n));
    expect((await listConversations(db)).map((c) => c.id)).toEqual(["01", "03", "02"]);
    await addMessage(db, msg("02", 1, 50n));
    expect((await listConversations(db)).map((c) => c.id)).toEqual(["02", "01", "03"]);
    db.close();
  });

  it("upsert keeps activity and finds duplicate DMs by dmId", async () => {
    const db = openDb();
    const dmId = dmIdFor(BOB.toUpperCase(), ALICE);
    expect(dmId).toBe(`dm:${ALICE}:${BOB}`);
    await upsertConversation(db, { id: "0a", kind: "dm", dmId, peerInboxId: BOB, createdAtNs: 1n });
    await addMessage(db, msg("0a", 1, 9n), { incoming: true, preview: "yo" });
    await upsertConversation(db, { id: "0a", kind: "dm", dmId, createdAtNs: 999n, name: "Bob" });
    expect(await getConversation(db, "0a")).toMatchObject({
      createdAtNs: nsKey(1n),
      lastMessageAtNs: nsKey(9n),
      unreadCount: 1,
      name: "Bob",
      peerInboxId: BOB,
    });
    await upsertConversation(db, { id: "0b", kind: "dm", dmId, createdAtNs: 2n });
    expect((await conversationsByDmId(db, dmId)).map((c) => c.id).sort()).toEqual(["0a", "0b"]);
    expect(await errCode(upsertConversation(db, { id: "0c", kind: "dm", createdAtNs: 1n }))).toBe(
      "invalid_argument",
    );
    db.close();
  });
});

describe("intents", () => {
  it("lists by status in creation order, per conversation, and tracks attempts", async () => {
    const db = openDb();
    const a = await putIntent(db, {
      conversationId: "01",
      kind: "send_message",
      payload: utf8("a"),
    });
    const b = await putIntent(db, {
      conversationId: "02",
      kind: "send_message",
      payload: utf8("b"),
    });
    const c = await putIntent(db, {
      conversationId: "01",
      kind: "add_members",
      payload: utf8("c"),
    });
    expect((await nextIntents(db)).map((i) => i.id)).toEqual([a, b, c]);
    expect((await nextIntents(db, { conversationId: "01" })).map((i) => i.id)).toEqual([a, c]);
    await updateIntent(db, a, { status: "published", attempts: 1 });
    await updateIntent(db, b, { status: "error", attempts: 3, error: "epoch moved three times" });
    expect((await nextIntents(db)).map((i) => i.id)).toEqual([c]);
    expect(await nextIntents(db, { status: "published" })).toMatchObject([
      { id: a, attempts: 1, payload: utf8("a") },
    ]);
    expect(await nextIntents(db, { status: "error" })).toMatchObject([
      { id: b, error: "epoch moved three times" },
    ]);
    expect(await errCode(updateIntent(db, 9999, { status: "committed" }))).toBe("not_found");
    db.close();
  });
});

describe("cursors", () => {
  it("start at 0, only move forward, and validate the topic", async () => {
    const db = openDb();
    const g = groupTopic("ABCD");
    const w = welcomeTopic("0123");
    expect(await getCursor(db, g)).toBe(0n);
    expect(await setCursor(db, g, 10n)).toBe(10n);
    expect(await setCursor(db, g, 7n)).toBe(10n);
    await setCursor(db, w, 18_446_744_073_709_551_615n);
    expect(await getCursor(db, g)).toBe(10n);
    expect(await allCursors(db)).toEqual(
      new Map([
        [g, 10n],
        [w, 18_446_744_073_709_551_615n],
      ]),
    );
    expect(await errCode(getCursor(db, "x:00"))).toBe("invalid_argument");
    db.close();
  });
});

describe("reload and clear", () => {
  it("a reopened database shows the same list, thread, intents and cursors", async () => {
    const name = dbName();
    const first = openDb(name);
    await group(first, "01");
    await addMessage(first, msg("01", 1, 5n), { preview: "p" });
    await putIntent(first, { conversationId: "01", kind: "send_message", payload: utf8("x") });
    await setCursor(first, groupTopic("01"), 3n);
    first.close();

    const second = openDb(name);
    expect((await listConversations(second)).map((c) => c.lastMessagePreview)).toEqual(["p"]);
    expect((await messagesPage(second, "01", { limit: 10 })).map((m) => m.encodedContent)).toEqual([
      utf8("m1"),
    ]);
    expect(await nextIntents(second)).toHaveLength(1);
    expect(await getCursor(second, groupTopic("01"))).toBe(3n);
    await clearAll(second);
    expect(await listConversations(second)).toEqual([]);
    expect(await second.messages.count()).toBe(0);
    expect(await nextIntents(second)).toEqual([]);
    expect(await getCursor(second, groupTopic("01"))).toBe(0n);
    second.close();
  });
});
