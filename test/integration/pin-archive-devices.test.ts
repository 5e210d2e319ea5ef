// Pin and archive (issue 17 item 6) between two installations of one inbox, through the
// inbox's SYNC group and a real node: a choice made on one device shows on the other (also
// on a device added later), the newest choice wins, and a new message brings an archived
// conversation back unless it is muted (as Signal keeps muted chats archived).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client, Conversation, Group } from "../../lib/client";
import { createClient, newWallet, type TestWallet } from "../support/accounts";

/** Keeps every client syncing until `check` holds (no streams in these tests). */
async function until(clients: Client[], what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    for (const c of clients) await c.conversations.sync().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const summaryOf = async (c: Client, id: string) => (await c.conversations.getById(id))?.summary();

describe("pin and archive on every device of the inbox", () => {
  let node: StartedNode;
  let alice: TestWallet;
  let bob: TestWallet;
  let a1: Client, a2: Client, b: Client;
  let dm: Conversation;
  let group: Group;

  beforeAll(async () => {
    node = await startNode();
    alice = newWallet();
    bob = newWallet();
    a1 = await createClient(alice, node.url, "pa-a1");
    b = await createClient(bob, node.url, "pa-b");
    await a1.deviceSync.ensureGroup();
    dm = await a1.conversations.newDm(bob.address);
    await dm.send("hi bob");
    group = await a1.conversations.newGroup([bob.address], { name: "trip" });
    await group.send("plans");
  }, 120_000);

  afterAll(async () => {
    for (const x of [a1, a2, b]) await x?.close();
    await node?.stop();
  });

  it("choices made before a device existed reach it with its history; later ones travel both ways", async () => {
    await dm.setPinned(true);
    await group.setArchived(true);
    expect(await summaryOf(a1, dm.id)).toMatchObject({ pinned: true, archived: false });
    expect(await summaryOf(a1, group.id)).toMatchObject({ pinned: false, archived: true });

    a2 = await createClient(alice, node.url, "pa-a2");
    await a2.deviceSync.ensureGroup();
    let pump = true;
    const pumping = (async () => {
      while (pump) {
        for (const c of [a1, a2]) await c.conversations.sync().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      await a2.deviceSync.requestHistory({ timeoutMs: 30_000 });
    } finally {
      pump = false;
      await pumping;
    }
    await until([a1, a2], "a2 shows a1's pin and archive", async () => {
      const [d, g] = [await summaryOf(a2, dm.id), await summaryOf(a2, group.id)];
      return d?.pinned === true && g?.archived === true;
    });

    // Unpinned on the second device: the first follows.
    await (await a2.conversations.getById(dm.id))!.setPinned(false);
    await until([a1, a2], "a1 sees the unpin", async () => !(await summaryOf(a1, dm.id))?.pinned);
    // The newest choice wins on both, whichever arrives last.
    await dm.setPinned(true);
    await until([a1, a2], "a2 sees the pin again", async () =>
      Boolean((await summaryOf(a2, dm.id))?.pinned),
    );
    expect((await summaryOf(a1, dm.id))?.pinned).toBe(true);
  }, 120_000);

  it("a new message brings an archived conversation back on both devices; a muted one stays archived", async () => {
    const bg = await (async () => {
      await b.conversations.sync();
      return (await b.conversations.getGroup(group.id))!;
    })();
    await bg.send("are you coming?");
    await until(
      [a1, a2],
      "the message unarchived the group on both",
      async () =>
        (await summaryOf(a1, group.id))?.archived === false &&
        (await summaryOf(a2, group.id))?.archived === false,
    );

    await a1.push.setMuted(group.id, true);
    await group.setArchived(true);
    await until(
      [a1, a2],
      "a2 has the mute and the archive",
      async () =>
        Boolean((await summaryOf(a2, group.id))?.archived) && (await a2.push.isMuted(group.id)),
    );
    await bg.send("still there?");
    const hasIt = async (c: Client) =>
      (await (await c.conversations.getById(group.id))!.messages()).some(
        (m) => m.content === "still there?",
      );
    await until(
      [a1, a2],
      "both read the new message",
      async () => (await hasIt(a1)) && (await hasIt(a2)),
    );
    await new Promise((r) => setTimeout(r, 200)); // the keeper runs just after the store
    expect((await summaryOf(a1, group.id))?.archived).toBe(true);
    expect((await summaryOf(a2, group.id))?.archived).toBe(true);
  }, 90_000);

  it("a choice that is not true or false is refused and changes nothing", async () => {
    const before = await summaryOf(a1, dm.id);
    await expect(dm.setPinned("yes" as never)).rejects.toMatchObject({
      code: "invalid_argument",
      message: expect.stringContaining("setPinned takes true or false"),
    });
    await expect(dm.setArchived(undefined as never)).rejects.toMatchObject({
      code: "invalid_argument",
    });
    expect(await summaryOf(a1, dm.id)).toEqual(before);
  });
});
