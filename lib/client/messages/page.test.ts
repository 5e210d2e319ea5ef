// The thread's page keeps what it decoded: a re-read of unchanged rows gives back the same
// objects (the view skips those bubbles), while every change to a row — its status, a
// deletion, a row sealed anew — is read afresh, and a removed message is gone.
import { describe, expect, it } from "vitest";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { ContentTypeText, defaultRegistry, encodeEncodedContent } from "../../content";
import {
  addMessage,
  markMessageDeleted,
  MessengerDb,
  removeMessages,
  setMessageStatus,
  upsertConversation,
} from "../../storage";
import type { ClientContext } from "../context";
import type { DecodedMessage } from "../types";
import { messagesOf } from "./page";
import { Arrivals } from "./arrivals";

const codecs = defaultRegistry();
const cid = "ab".repeat(32);
const ctx = {
  db: new MessengerDb(`page-${crypto.randomUUID()}`, { indexedDB, IDBKeyRange }),
  codecs,
  arrivals: new Arrivals(),
} as unknown as ClientContext;

async function say(n: number, text: string) {
  const id = n.toString(16).padStart(64, "0");
  await addMessage(ctx.db, {
    id,
    conversationId: cid,
    senderInboxId: "cd".repeat(32),
    sentAtNs: BigInt(n) * 1_000_000n,
    contentType: "xmtp.org/text:1.0",
    encodedContent: encodeEncodedContent(codecs.encode(ContentTypeText, text)),
    status: "pending",
  });
  return id;
}

describe("a thread's newest messages, read again after each write", () => {
  it("keeps unchanged messages as they were and reads every changed one afresh", async () => {
    await upsertConversation(ctx.db, { id: cid, kind: "group", createdAtNs: 1n });
    const [one, two, three] = [await say(1, "one"), await say(2, "two"), await say(3, "three")];
    const first = await messagesOf(ctx, cid, { limit: 50 });
    expect(first.map((m) => m.content)).toEqual(["one", "two", "three"]);

    await setMessageStatus(ctx.db, two, "published");
    await markMessageDeleted(ctx.db, three, { atNs: 9_000_000n, byAdmin: false });
    await say(4, "four");
    const second = await messagesOf(ctx, cid, { limit: 50 });
    expect(second[0]).toBe(first[0]); // "one": unchanged, the same object
    expect(second[1]).not.toBe(first[1]);
    expect(second[1]).toMatchObject({ content: "two", status: "published" });
    expect(second[2]).toMatchObject({ id: three, content: undefined, deleted: { byAdmin: false } });
    expect(second[3]).toMatchObject({ content: "four" });

    await removeMessages(ctx.db, [one]);
    const third = await messagesOf(ctx, cid, { limit: 50 });
    expect(third.map((m) => m.id)).not.toContain(one);
    expect(third.slice(0, 3)).toEqual(second.slice(1)); // same objects, in order
    expect(third[0]).toBe(second[1]);
  });

  it("never answers from what it kept for a row whose sealed bytes changed", async () => {
    const id = await say(10, "ten");
    const before = (await messagesOf(ctx, cid, { limit: 50 })).find((m) => m.id === id)!;
    // The same row sealed under the same nonce with other bytes (a tampered store) must be
    // opened, and so refused, not answered from memory.
    const stored = (await ctx.db.messages.get(id))!;
    stored.sealed.ct[0]! ^= 1;
    await ctx.db.messages.put(stored);
    await expect(messagesOf(ctx, cid, { limit: 50 })).rejects.toThrow(/failed authentication/);
    stored.sealed.ct[0]! ^= 1;
    await ctx.db.messages.put(stored);
    const after = (await messagesOf(ctx, cid, { limit: 50 })).find((m) => m.id === id)!;
    expect(after).toEqual(before);
  });

  it("reads a message shown before its write back as that object, only if stored as shown", async () => {
    const [shown, other] = [await say(20, "twenty"), await say(21, "twenty-one")];
    const stored = (await ctx.db.messages.get(shown))!;
    const early = { id: shown, content: "as shown" } as unknown as DecodedMessage;
    ctx.arrivals.settle(early, stored);
    // The other row settled with sealed bytes it was not stored with: opened, not trusted.
    const forged = { ...(await ctx.db.messages.get(other))!, sealed: stored.sealed };
    ctx.arrivals.settle({ id: other } as unknown as DecodedMessage, forged);
    const read = await messagesOf(ctx, cid, { limit: 50 });
    expect(read.find((m) => m.id === shown)).toBe(early);
    expect(read.find((m) => m.id === other)).toMatchObject({ content: "twenty-one" });
  });
});
