// A send with the stream live stores the message, the ratchet state its encryption advanced
// to and the ciphertext in ONE IndexedDB transaction, and writes nothing else before the
// publish (the message alone first, when the members' devices are due a check):
// all three are durable together before the ciphertext leaves (never a state past a
// generation without the ciphertext that used it, never a ciphertext whose generation the
// stored state would hand out again), and the page's live queries re-run once, not between
// eight steps. When the state this tab holds is no longer the stored one (another tab sent
// meanwhile), that write is refused and the long path seals from the stored state: the peer
// reads every message, so no message key was used twice. The peer stores the message, its
// advanced state and its cursor in one write too, after one read.
import { IDBDatabase } from "fake-indexeddb";
import { afterAll, describe, expect, it } from "vitest";
import type { Client } from "../../lib/client";
import { nodeSuite } from "../support/node-suite";
import { createClient, helloDm, newWallet, take } from "../support/accounts";

interface Opened {
  db: string;
  mode: string;
  stores: string[];
}

/** Every IndexedDB transaction the process opens while `record` is on. */
const opened: Opened[] = [];
let record = false;
const transaction = IDBDatabase.prototype.transaction;
IDBDatabase.prototype.transaction = function (
  this: IDBDatabase,
  ...args: Parameters<typeof transaction>
) {
  const [stores, mode] = args;
  if (record)
    opened.push({
      db: this.name,
      mode: mode ?? "readonly",
      stores: (typeof stores === "string" ? [stores] : [...stores]).sort(),
    });
  return transaction.apply(this, args);
} as typeof transaction;

async function whenLive(c: Client): Promise<void> {
  if (c.connection === "live") return;
  await new Promise<void>((resolve) => {
    const off = c.onConnectionChange((s) => {
      if (s === "live") {
        off();
        resolve();
      }
    });
  });
}

/** Waits until the client's background work (welcomes, key packages) opens no transaction. */
async function quiet(db: string): Promise<void> {
  record = true;
  for (;;) {
    opened.length = 0;
    await new Promise((r) => setTimeout(r, 500));
    if (!opened.some((t) => t.db === db)) break;
  }
  record = false;
}

describe("a send's storage", () => {
  const { url, clients, stops } = nodeSuite();
  afterAll(() => {
    IDBDatabase.prototype.transaction = transaction;
  });

  it("writes the ratchet state with its ciphertext (and message) in one transaction before the publish", async () => {
    const { a, b, ab } = await helloDm(url(), "one-tx");
    clients.push(a, b);
    stops.push(a.startSync());
    await whenLive(a);
    const bStream = b.conversations.streamAllMessages();
    await ab.send("the state is now in this tab's memory");
    const first = await take(bStream, 1);
    await quiet("one-tx-a"); // its echo applied too

    opened.length = 0;
    record = true;
    await ab.send("counted");
    const second = await take(bStream, 1); // emitted once the peer stored it
    record = false;
    const mine = opened.filter((t) => t.db === "one-tx-a");
    const publishedAt = mine.findIndex(
      (t) => t.mode === "readwrite" && t.stores.includes("intents") && !t.stores.includes("groups"),
    );
    const writes = mine
      .slice(0, publishedAt)
      .filter((t) => t.mode === "readwrite")
      .map((t) => t.stores.join("+"));
    const all = "conversations+groupEpochs+groups+intents+messages";
    // Short path: one write. When the members' devices were due a check (the node is asked:
    // on a loaded machine the 5 s since the last one may have passed) the typed message is
    // stored first; either way the state is never written without its ciphertext.
    expect([[all], ["conversations+messages", all]]).toContainEqual(writes);
    expect(mine[publishedAt]!.stores.sort()).toEqual(["intents", "messages"]); // once the node took it

    // The peer: the message, the state its decryption advanced to and the cursor in one write.
    const peerStateWrites = opened
      .filter((t) => t.db === "one-tx-b" && t.mode === "readwrite" && t.stores.includes("groups"))
      .map((t) => t.stores.join("+"));
    expect(peerStateWrites).toEqual(["conversations+cursors+groupEpochs+groups+messages"]);
    // ...and before it ONE read of what it needs to decrypt (cursor, out-of-sync mark, own
    // intent, state stamp, commit intent): five round trips to IndexedDB before.
    const peer = opened.filter((t) => t.db === "one-tx-b");
    const writeAt = peer.findIndex((t) => t.mode === "readwrite" && t.stores.includes("groups"));
    const readsBefore = peer
      .slice(0, writeAt)
      .filter((t) => ["cursors", "intents", "groups"].some((s) => t.stores.includes(s)));
    expect(readsBefore.map((t) => `${t.mode} ${t.stores.join("+")}`)).toEqual([
      "readonly conversations+cursors+groups+intents",
    ]);
    await bStream.return?.();
    expect([...first, ...second].map((m) => m.content)).toEqual([
      "the state is now in this tab's memory",
      "counted",
    ]);
    expect((await ab.messages()).at(-1)).toMatchObject({ content: "counted", status: "published" });
  }, 120_000);

  it("a tab whose state another tab moved on seals from the stored state: the peer reads all", async () => {
    const alice = newWallet();
    const bob = newWallet();
    const a = await createClient(alice, url(), "two-tabs-a");
    const b = await createClient(bob, url(), "two-tabs-b");
    const ab = await a.conversations.newDm(bob.address);
    // A second tab of the same profile: same database, its own state in memory.
    const a2 = await createClient(alice, url(), "two-tabs-a");
    clients.push(a, b, a2);
    stops.push(a.startSync(), a2.startSync());
    await Promise.all([whenLive(a), whenLive(a2)]);
    const ab2 = (await a2.conversations.getById(ab.id))!;
    const bStream = b.conversations.streamAllMessages();
    await ab.send("tab 1, first");
    await ab2.send("tab 2"); // tab 1's copy of the state is now behind the stored one
    await ab.send("tab 1, again");
    const got = await take(bStream, 3);
    await bStream.return?.();
    expect(got.map((m) => m.content)).toEqual(["tab 1, first", "tab 2", "tab 1, again"]);
    const statuses = (await ab.messages()).slice(-3).map((m) => m.status);
    expect(statuses).toEqual(["published", "published", "published"]);
  }, 120_000);
});
