// Search across local history (issue 17 item 3) between real clients through a real node:
// the in-memory index is built from the sealed store on the first search and kept current
// by what each client stores afterwards (new messages, edits, deletes).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { Client, type Conversation } from "../../lib/client";
import type { SearchIndex } from "../../lib/client/search";
import { createClient, newWallet } from "../support/accounts";

const indexOf = (x: Client) => (x as unknown as { searchIndex: SearchIndex }).searchIndex;
const idsOf = async (x: Client, query: string) =>
  (await x.search(query)).flatMap((g) => g.messages.map((m) => m.id));

describe("search", () => {
  let node: StartedNode;
  let a: Client;
  let b: Client;
  let c: Client;
  let ab: Conversation;
  let ba: Conversation;
  let ac: Conversation;
  let ca: Conversation;
  const alice = newWallet();

  beforeAll(async () => {
    node = await startNode();
    const bob = newWallet();
    const carol = newWallet();
    a = await createClient(alice, node.url, "search-a");
    b = await createClient(bob, node.url, "search-b");
    c = await createClient(carol, node.url, "search-c");
    ab = await a.conversations.newDm(bob.address);
    ac = await a.conversations.newDm(carol.address);
    await Promise.all([b.conversations.sync(), c.conversations.sync()]);
    ba = (await b.conversations.getById(ab.id))!;
    ca = (await c.conversations.getById(ac.id))!;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), c?.close()]);
    await node?.stop();
  });

  it("finds words across conversations, case and accents ignored, newest first in each", async () => {
    const lunch = await ab.sendText("Lunch at the Café de Flore?");
    await ab.sendText("unrelated words");
    await b.conversations.sync();
    const reply = await ba.reply(lunch.id, "CAFE sounds good");
    const station = await ca.sendText("the cafe near the station, with **coffee**");
    await a.conversations.sync();

    const groups = await a.search("  café ");
    // The conversation with the newest match comes first.
    expect(groups.map((g) => g.conversationId)).toEqual([ac.id, ab.id]);
    expect(groups[0]!.conversation.peerInboxId).toBe(c.inboxId);
    expect(groups[1]!.messages.map((m) => m.id)).toEqual([reply.id, lunch.id]);
    expect(groups[1]!.messages[0]!.senderInboxId).toBe(b.inboxId);
    const hit = groups[1]!.messages[1]!;
    expect(hit.snippet.text.slice(hit.snippet.match.start, hit.snippet.match.end)).toBe("Café");
    expect(hit.sentAtNs).toBe((await ab.messages()).find((m) => m.id === lunch.id)!.sentAtNs);
    expect(await idsOf(a, "STATION")).toEqual([station.id]);
    expect(await a.search("   ")).toEqual([]);
    expect(await a.search("nowhere to be found")).toEqual([]);
  });

  it("finds an edited message by its newest words, not its old ones", async () => {
    const m = await ab.sendText("meet at noon");
    expect(await idsOf(a, "noon")).toEqual([m.id]); // indexed before the edit
    await ab.editMessage(m.id, "meet at dusk");
    await ab.editMessage(m.id, "meet at dawn");
    await b.conversations.sync();
    for (const x of [a, b]) {
      expect(await idsOf(x, "noon")).toEqual([]);
      expect(await idsOf(x, "dusk")).toEqual([]);
      expect(await idsOf(x, "dawn")).toEqual([m.id]);
    }
  });

  it("does not find a deleted message, at either end", async () => {
    const m = await ba.sendText("the secret plan");
    await a.conversations.sync();
    expect(await idsOf(a, "secret plan")).toEqual([m.id]);
    expect(await idsOf(b, "secret plan")).toEqual([m.id]);
    await ba.deleteMessage(m.id);
    await a.conversations.sync();
    expect(await idsOf(b, "secret plan")).toEqual([]);
    expect(await idsOf(a, "secret plan")).toEqual([]);
  });

  it("finds a message that arrives after the index was built, without building it again", async () => {
    const index = indexOf(a);
    const built = index.ready();
    await built;
    const m = await ca.sendText("a fresh arrival");
    await a.conversations.sync();
    expect(await idsOf(a, "fresh arrival")).toEqual([m.id]);
    expect(index.ready()).toBe(built);
  });

  it("a second tab finds what the first tab stored after the second tab's index was built", async () => {
    // Only the leader tab streams: another tab of the same account learns of new messages
    // from the store, told which by the tab that stored them.
    const tab2 = await Client.restore(alice.address, {
      apiUrl: node.url,
      dbName: "search-a",
      indexedDB,
      IDBKeyRange,
    });
    try {
      expect(await idsOf(tab2, "zebra")).toEqual([]); // builds tab 2's index
      const sent = await ba.sendText("zebra crossing at noon");
      await a.conversations.sync(); // tab 1 stores it
      const deadline = Date.now() + 10_000;
      while ((await idsOf(tab2, "zebra")).length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(await idsOf(tab2, "zebra")).toEqual([sent.id]);
    } finally {
      await tab2.close();
    }
  });

  it("refuses a query over 200 characters, naming the limit", async () => {
    await expect(a.search("x".repeat(201))).rejects.toMatchObject({
      code: "invalid_argument",
      message: "a search query is at most 200 characters, got 201",
    });
    expect(await a.search("x".repeat(200))).toEqual([]);
  });
});
