// Several full clients in ONE Node process, set up the way a bot is: fake-indexeddb
// installed as the global IndexedDB before the library (and Dexie) loads. Dexie then
// picks `[[]]` as its max key, and one shared `[[]]` used twice in a key is refused by
// fake-indexeddb (it reads the repeat as a cycle): the key ranges must not rely on it.
import "fake-indexeddb/auto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { Client } from "../../lib/client";
import { newWallet } from "../support/accounts";
import { groupOf, texts } from "../support/groups";

type Logged = { client: number; event: string; detail: Record<string, unknown> };

describe("a bot process running several clients on the global fake-indexeddb", () => {
  let node: StartedNode;
  const logs: Logged[] = [];
  let clients: Client[] = [];

  beforeAll(async () => {
    node = await startNode();
    // No indexedDB/IDBKeyRange options: the globals, as a bot on fake-indexeddb/auto uses them.
    clients = await Promise.all(
      Array.from({ length: 3 }, (_, i) =>
        Client.create(newWallet().signer, {
          apiUrl: node.url,
          dbName: `bot-${i}`,
          log: (event, detail) => logs.push({ client: i, event, detail }),
        }),
      ),
    );
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.close();
    await node?.stop();
  });

  it("botClientsCreateAddRemoveAndLeaveInOneProcess", async () => {
    const [a, b, c] = [clients[0]!, clients[1]!, clients[2]!];
    const g = await a.conversations.newGroup([b.inboxId], { name: "bots" });
    await g.addMembers([c.inboxId]);
    const [gb, gc] = [await groupOf(b, g.id), await groupOf(c, g.id)];
    await g.send("hello bots");
    await g.removeMembers([b.inboxId]);
    await gc.leave();
    await a.conversations.sync(); // a (super admin) honours c's leave request
    const deadline = Date.now() + 20_000;
    while ((await g.members()).length > 1) {
      if (Date.now() > deadline) throw new Error("the leave request was not honoured");
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const x of [b, c]) await x.conversations.sync();
    expect(await gb.isActive()).toBe(false);
    expect(await gc.isActive()).toBe(false);
    expect(await texts(gb)).toEqual(["hello bots"]);
    const lines = (await g.messages()).filter(
      (m) => m.contentType === "xmtp.org/group_updated:1.0",
    );
    expect(lines.at(-1)!.content).toMatchObject({ leftInboxes: [c.inboxId] });
    // The remaining member applied everything; nobody hit a storage error.
    expect(logs.filter((l) => l.client === 0 && l.event === "envelope_rejected")).toEqual([]);
    expect(JSON.stringify(logs)).not.toMatch(/DataError/);
  }, 120_000);
});
