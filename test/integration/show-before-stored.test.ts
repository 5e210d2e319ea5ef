// A message an open thread shows before its write (lib/client/messages/arrivals.ts): a received
// one once MLS authenticated it and the content rules accepted it, BEFORE the write that
// stores it with the advanced state and cursor; the thread's read of the stored row then gives
// back that very object (no second decode, no redraw, no duplicate). What a rule refuses is
// never shown; what the write does not store (a message id already held) is withdrawn.
import { describe, expect, it } from "vitest";
import {
  ContentTypeDeleteMessage,
  ContentTypeText,
  encodeEncodedContent,
  messageId,
} from "../../lib/content";
import { fromHex } from "../../lib/crypto";
import { addMessage } from "../../lib/storage";
import { sendContent } from "../../lib/client/messages/send";
import type { Arrival, Client, DecodedMessage } from "../../lib/client";
import { nodeSuite } from "../support/node-suite";
import { helloDm, take } from "../support/accounts";
import { ctxOf } from "../support/client-internals";

interface Seen {
  kind: Arrival["kind"];
  message: DecodedMessage;
  /** Whether the message was in storage when it was shown (read issued at that moment). */
  storedThen: Promise<boolean>;
}

function watchArrivals(c: Client, conversationId: string): Seen[] {
  const seen: Seen[] = [];
  c.onArrival(({ kind, message }) => {
    const storedThen = c.conversations
      .messagesOf(conversationId)
      .then((ms) => ms.some((m) => m.id === message.id));
    seen.push({ kind, message, storedThen });
  });
  return seen;
}

describe("a message shown before it is stored", () => {
  const { url, clients, stops } = nodeSuite();

  it("shows a received message before its write; the stored row reads back as the same object", async () => {
    const { a, b, ab, ba } = await helloDm(url(), "early");
    clients.push(a, b);
    stops.push(b.startSync());
    const arrivals = watchArrivals(b, ba.id);
    const mine = watchArrivals(a, ab.id);
    const stored = b.conversations.streamAllMessages();
    await ab.send("seen at once");
    // The sender's own bubble: shown once, pending (its publish on its way, not yet answered).
    expect(mine.map((s) => [s.kind, s.message.content, s.message.status])).toEqual([
      ["shown", "seen at once", "pending"],
    ]);
    const [emitted] = await take(stored, 1);
    await stored.return?.();

    expect(arrivals.map((s) => [s.kind, s.message.content])).toEqual([["shown", "seen at once"]]);
    const shown = arrivals[0]!.message;
    expect(await arrivals[0]!.storedThen).toBe(false); // shown before the write committed
    expect(shown).toMatchObject({ senderInboxId: a.inboxId, status: "published" });
    // Stored: the bus and the thread's read give the object shown, once.
    expect(emitted).toBe(shown);
    const thread = await b.conversations.messagesOf(ba.id);
    expect(thread.filter((m) => m.id === shown.id)).toHaveLength(1);
    expect(thread.find((m) => m.id === shown.id)).toBe(shown);
  }, 120_000);

  it("never shows what a rule refuses, and withdraws what the write does not store", async () => {
    const { a, b, ab, ba } = await helloDm(url(), "refused");
    clients.push(a, b);
    stops.push(b.startSync());
    const hello = (await ba.messages()).find((m) => m.content === "hello")!;
    const bobs = await ba.send("bob's own");
    const arrivals = watchArrivals(b, ba.id);
    const stored = b.conversations.streamAllMessages();

    // Alice may not delete Bob's message: Bob's rule drops it, so it is never shown.
    await ab.send({ messageId: bobs.id }, ContentTypeDeleteMessage);
    // A message id Bob already holds (the same idempotency key and content): not stored again.
    const sentAtNs = BigInt(Date.now()) * 1_000_000n;
    const encoded = encodeEncodedContent(ctxOf(b).codecs.encode(ContentTypeText, "held"));
    const held = messageId(fromHex(ba.id), sentAtNs.toString(), encoded);
    await addMessage(ctxOf(b).db, {
      id: held,
      conversationId: ba.id,
      senderInboxId: a.inboxId,
      sentAtNs,
      contentType: hello.contentType,
      encodedContent: encoded,
      status: "published",
    });
    await sendContent(ctxOf(a), ab.id, ContentTypeText, "held", { sentAtNs });
    await ab.send("after");
    const got: DecodedMessage[] = [];
    while (got.at(-1)?.content !== "after") got.push(...(await take(stored, 1)));
    await stored.return?.();

    // Stored from Alice: only "after" (Bob's own echo may come first).
    expect(got.filter((m) => m.senderInboxId === a.inboxId).map((m) => m.content)).toEqual([
      "after",
    ]);
    expect(arrivals.map((s) => [s.kind, s.message.content])).toEqual([
      ["shown", "held"],
      ["withdrawn", "held"],
      ["shown", "after"],
    ]);
    expect(arrivals[0]!.message.id).toBe(held);
    expect((await ba.messages()).find((m) => m.id === bobs.id)?.content).toBe("bob's own");
  }, 120_000);
});
