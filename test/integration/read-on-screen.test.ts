// A thread on screen: what arrives there is stored read (no unread count to reset after it),
// while the other conversations, and this one once it leaves the screen, count as before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client, Conversation } from "../../lib/client";
import { helloDm, take } from "../support/accounts";

describe("messages received in a conversation on screen", () => {
  let node: StartedNode;
  let a: Client;
  let b: Client;
  let dmA: Conversation;

  beforeAll(async () => {
    node = await startNode();
    // (The app shows only accepted conversations as on screen; the library takes its word.)
    ({ a, b, ab: dmA } = await helloDm(node.url, "on-screen"));
  }, 120_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await node?.stop();
  });

  const unreadOf = async (c: Client, id: string) =>
    (await c.conversations.getById(id))?.unreadCount;

  it("are stored read while it is shown, and counted again once it is not", async () => {
    const stream = b.conversations.streamAllMessages();
    const hidden = b.conversations.showing(dmA.id);
    try {
      await dmA.send("read at once");
      expect((await take(stream, 1))[0]!.content).toBe("read at once");
      expect(await unreadOf(b, dmA.id)).toBe(1); // the "hello" from before it was shown

      await (await b.conversations.getById(dmA.id))!.markRead();
      await dmA.send("still on screen");
      await take(stream, 1);
      expect(await unreadOf(b, dmA.id)).toBe(0);
    } finally {
      hidden();
    }
    await dmA.send("after leaving");
    await take(stream, 1);
    await stream.return?.();
    expect(await unreadOf(b, dmA.id)).toBe(1);
  });

  it("a conversation shown twice stays shown until both views leave", async () => {
    await (await b.conversations.getById(dmA.id))!.markRead();
    const stream = b.conversations.streamAllMessages();
    const first = b.conversations.showing(dmA.id);
    const second = b.conversations.showing(dmA.id);
    first();
    first(); // released twice: counts once
    await dmA.send("one view left");
    await take(stream, 1);
    expect(await unreadOf(b, dmA.id)).toBe(0);
    second();
    await dmA.send("none left");
    await take(stream, 1);
    await stream.return?.();
    expect(await unreadOf(b, dmA.id)).toBe(1);
  });
});
