// Disappearing messages (issue 17 item 2) between real clients through a real node: the
// timer is libxmtp's two metadata attributes, set by a policy-checked commit; every member
// computes each message's expiry from its node time and purges it on time, also after a
// restart; a line in the thread says who changed the timer; bad values change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client, Conversation, DecodedMessage } from "../../lib/client";
import type { ClientContext } from "../../lib/client/context";
import { getMessage } from "../../lib/storage";
import { createClient, newWallet, type TestWallet } from "../support/accounts";
import { groupOf } from "../support/groups";

const ctxOf = (x: Client) => (x as unknown as { ctx: ClientContext }).ctx;
const SECOND = 1_000_000_000n;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const timerLines = (all: DecodedMessage[]) =>
  all
    .filter((m) => m.contentType === "xmtp.org/group_updated:1.0")
    .map((m) => m.content as { metadataFieldChanges: { fieldName: string; newValue?: string }[] })
    .filter((c) => c.metadataFieldChanges.some((f) => f.fieldName === "message_disappear_in_ns"));
const textsOf = async (c: Conversation) =>
  (await c.messages()).filter((m) => m.contentType === "xmtp.org/text:1.0").map((m) => m.content);

describe("disappearing messages", () => {
  let node: StartedNode;
  let bob: TestWallet;
  let a: Client;
  let b: Client;
  let ab: Conversation;
  let ba: Conversation;

  beforeAll(async () => {
    node = await startNode();
    bob = newWallet();
    a = await createClient(newWallet(), node.url, "dis-a");
    b = await createClient(bob, node.url, "dis-b");
    ab = await a.conversations.newDm(bob.address);
    await ab.send("before the timer");
    await b.conversations.sync();
    ba = (await b.conversations.getById(ab.id))!;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await node?.stop();
  });

  it("either person in a DM sets the timer: both hold it, a line says so, and messages purge on both on time", async () => {
    await ba.setDisappearingMessages(2n * SECOND);
    await a.conversations.sync();
    expect(await ab.disappearingMessages()).toMatchObject({ inNs: 2n * SECOND });
    expect(await ba.disappearingMessages()).toMatchObject({ inNs: 2n * SECOND });
    const fromNs = (await ab.disappearingMessages())!.fromNs;
    expect(fromNs).toBeGreaterThan(0n);
    // The line, on both sides, names who set it (libxmtp's metadata_field_changes).
    for (const c of [ab, ba]) {
      const [line] = timerLines(await c.messages());
      expect(line).toMatchObject({ initiatedByInboxId: b.inboxId });
      expect(line!.metadataFieldChanges).toContainEqual(
        expect.objectContaining({ fieldName: "message_disappear_in_ns", newValue: "2000000000" }),
      );
    }
    expect((await a.conversations.getById(ab.id))!.summary().disappearInNs).toBe(2n * SECOND);

    const stop = a.startSync(); // A purges by its own timer; B is purged by hand below
    try {
      const sent = await ab.send("self-destructing");
      await b.conversations.sync();
      const got = (await ba.messages()).find((m) => m.id === sent.id)!;
      // Expiry from the node's send time, equal at both ends.
      expect(got.expiresAtNs).toBe(got.sentAtNs + 2n * SECOND);
      expect((await ab.messages()).find((m) => m.id === sent.id)?.expiresAtNs).toBe(
        got.expiresAtNs,
      );
      expect(await textsOf(ba)).toContain("self-destructing");
      await sleep(Number((got.expiresAtNs! - BigInt(Date.now()) * 1_000_000n) / 1_000_000n) + 300);
      // B has not purged yet: the view hides it anyway, and the list shows no preview of it.
      expect(await textsOf(ba)).not.toContain("self-destructing");
      const preview = async (c: Client) =>
        (await c.conversations.getById(ab.id))!.summary().lastMessagePreview;
      expect(await preview(b)).toBe("Messages disappeared");
      expect(await getMessage(ctxOf(b).db, sent.id)).toBeDefined();
      await b.purgeExpiredMessages();
      expect(await getMessage(ctxOf(b).db, sent.id)).toBeUndefined();
      expect(await preview(b)).toBe("Messages disappeared"); // and the words are off the disk
      const sealed = (await ctxOf(b).db.conversations.get(ab.id))!.sealed.lastMessagePreview!;
      expect(
        new TextDecoder().decode(
          await ctxOf(b).db.sealing.open(`conversations:${ab.id}:lastMessagePreview`, sealed),
        ),
      ).toBe("Messages disappeared");
      // A's own timer purged it without being asked.
      await expect.poll(() => getMessage(ctxOf(a).db, sent.id), { timeout: 5_000 }).toBeUndefined();
      // Sent before the timer: kept.
      expect(await textsOf(ab)).toContain("before the timer");
      // The timer line itself stays.
      expect(timerLines(await ab.messages())).toHaveLength(1);
    } finally {
      stop();
    }
  }, 60_000);

  it("what expired while the app was closed is purged on the next start, never shown", async () => {
    await b.conversations.sync();
    const sent = await ab.send("gone while closed");
    await b.conversations.sync();
    expect(await textsOf(ba)).toContain("gone while closed");
    await b.close();
    await sleep(2_300);
    b = await createClient(bob, node.url, "dis-b"); // the same browser profile, restarted
    ba = (await b.conversations.getById(ab.id))!;
    expect(await textsOf(ba)).not.toContain("gone while closed"); // hidden before any purge
    const stop = b.startSync();
    try {
      await expect.poll(() => getMessage(ctxOf(b).db, sent.id), { timeout: 5_000 }).toBeUndefined();
    } finally {
      stop();
    }
  }, 60_000);

  it("a timer below 0 or not a number is refused with a clear error, and nothing changes", async () => {
    const before = await ab.disappearingMessages();
    for (const [bad, says] of [
      [-1, "cannot be below 0"],
      [-5n * SECOND, "cannot be below 0"],
      [Number.NaN, "whole number"],
      [1.5, "whole number"],
      ["300", "number of nanoseconds"],
    ] as const)
      await expect(ab.setDisappearingMessages(bad as never)).rejects.toMatchObject({
        code: "invalid_argument",
        message: expect.stringContaining(says),
      });
    expect(await ab.disappearingMessages()).toEqual(before);
    await b.conversations.sync();
    expect(timerLines(await ba.messages())).toHaveLength(1); // no commit went out
  });

  it("turning it off: a line says so, and new messages stay", async () => {
    await ab.setDisappearingMessages(null);
    await b.conversations.sync();
    expect(await ba.disappearingMessages()).toBeUndefined();
    const lines = timerLines(await ba.messages());
    expect(lines).toHaveLength(2);
    expect(lines[1]!.metadataFieldChanges).toContainEqual(
      expect.objectContaining({ fieldName: "message_disappear_in_ns", newValue: "0" }),
    );
    const kept = await ab.send("kept");
    await b.conversations.sync();
    expect((await ba.messages()).find((m) => m.id === kept.id)?.expiresAtNs).toBeUndefined();
    expect((await b.conversations.getById(ab.id))!.summary().disappearInNs).toBeUndefined();
  });

  it("in a group the timer follows its policy (admins, as libxmtp): a member's change is refused", async () => {
    const g = await a.conversations.newGroup([bob.address], { name: "timers" });
    const bg = await groupOf(b, g.id);
    await expect(bg.setDisappearingMessages(3600n * SECOND)).rejects.toMatchObject({
      code: "not_allowed",
      message: expect.stringContaining("update_message_disappearing"),
    });
    expect(await bg.disappearingMessages()).toBeUndefined();
    expect((await bg.details()).can.update_message_disappearing).toEqual({
      allowed: false,
      because: "admin",
    });
    // The creator (super admin) may; the member then sees it.
    await g.setDisappearingMessages(3600n * SECOND);
    await b.conversations.sync();
    expect(await bg.disappearingMessages()).toMatchObject({ inNs: 3600n * SECOND });
    // Made admin-free for everyone by policy, the member may too.
    await g.updatePermission("update_message_disappearing", "allow");
    await b.conversations.sync();
    await bg.setDisappearingMessages(300n * SECOND);
    await a.conversations.sync();
    expect(await g.disappearingMessages()).toMatchObject({ inNs: 300n * SECOND });
  }, 60_000);
});
