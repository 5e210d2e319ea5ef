// A broadcast through a real node whose write limit is set low: five recipients, one the
// sender blocked, one not on the network, one who blocked the sender. Each reachable person
// gets the message once, in their own DM with the sender; the node's "slow down" is waited
// out; retrying never sends twice.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import {
  parseRecipients,
  type BroadcastProgress,
  type Client,
  type MultiRemoteAttachment,
} from "../../lib/client";
import { createClient, newWallet, type TestWallet } from "../support/accounts";

const TEXT = `Team dinner moved to Friday ${Date.now()}`;

describe("broadcast", () => {
  let node: StartedNode;
  let sender: Client;
  let friend: Client; // an address, a new DM
  let colleague: Client; // by inbox ID, with a DM that already exists
  let pest: Client; // the sender blocked them
  let grumpy: Client; // they blocked the sender
  let stranger: TestWallet; // never activated messaging
  let report: BroadcastProgress;
  const wallets: Record<string, TestWallet> = {};
  const dataDir = mkdtempSync(join(tmpdir(), "messenger-broadcast-"));

  beforeAll(async () => {
    // Set up under the default limits (five sign-ups from one address would queue for
    // minutes), then restart the node on the same data and port with a low write limit.
    node = await startNode({ dataDir });
    for (const n of ["sender", "friend", "colleague", "pest", "grumpy", "stranger"])
      wallets[n] = newWallet();
    sender = await createClient(wallets.sender!, node.url, "bc-sender");
    friend = await createClient(wallets.friend!, node.url, "bc-friend");
    colleague = await createClient(wallets.colleague!, node.url, "bc-colleague");
    pest = await createClient(wallets.pest!, node.url, "bc-pest");
    grumpy = await createClient(wallets.grumpy!, node.url, "bc-grumpy");
    stranger = wallets.stranger!;
    // An earlier DM with the colleague: the broadcast lands in it, not in a new one.
    const earlier = await sender.conversations.newDm(wallets.colleague!.address);
    await earlier.send("see you at the offsite");
    await sender.preferences.setConsentStates([
      { entity: { kind: "inbox", inboxId: pest.inboxId }, state: "denied" },
    ]);
    await grumpy.preferences.setConsentStates([
      { entity: { kind: "inbox", inboxId: sender.inboxId }, state: "denied" },
    ]);
    const port = new URL(node.url).port;
    await node.stop();
    node = await startNode({
      dataDir,
      env: {
        PORT: port,
        // Low enough that the broadcast meets the limit: a write every 2 s, a burst of 3,
        // per inbox (every client here shares one address, so the address total is lifted).
        RATE_LIMIT_WRITES_PER_MIN: "30",
        RATE_LIMIT_WRITE_BURST: "3",
        RATE_LIMIT_IP_MULTIPLIER: "1000",
      },
    });
  }, 180_000);

  afterAll(async () => {
    for (const c of [sender, friend, colleague, pest, grumpy]) await c?.close();
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses a list with a bad entry, naming it, before sending anything", () => {
    const parsed = parseRecipients(`${wallets.friend!.address}\n0x1234, not an address`);
    expect(parsed.recipients).toHaveLength(1);
    expect(parsed.problems).toEqual([
      { input: "0x1234", reason: expect.stringMatching(/40 hex digits \(this has 4\)/) },
      { input: "not an address", reason: expect.stringMatching(/not an address/) },
    ]);
    expect(() => sender.broadcasts.start("0x1234", { text: "hi" })).toThrow(/0x1234: an address/);
    expect(() => sender.broadcasts.start(wallets.friend!.address, { text: "  " })).toThrow(
      /needs some text or a file/,
    );
  });

  it("each reachable person gets it in their own DM; the blocked and the absent are reported, the limit waited out", async () => {
    const list = [
      wallets.friend!.address,
      colleague.inboxId, // an inbox ID, upper-cased by a careless paste
      wallets.pest!.address,
      stranger.address,
      wallets.grumpy!.address,
    ];
    list[1] = list[1]!.toUpperCase();
    const limited = () => node.logs.filter((l) => l.includes('"rate limited"')).length;
    const limitedBefore = limited();
    const seen: number[] = [];
    const job = sender.broadcasts.start(list.join(",\n"), { text: TEXT }, { intervalMs: 50 });
    job.subscribe(() => seen.push(job.progress().done));
    expect(sender.broadcasts.latest()).toBe(job);
    report = await job.run();

    expect(report).toMatchObject({ total: 5, done: 5, sent: 3, skipped: 2, failed: 0 });
    expect(report.entries.map((e) => [e.status, e.skip])).toEqual([
      ["sent", undefined],
      ["sent", undefined],
      ["skipped", "blocked_by_you"],
      ["skipped", "not_on_network"],
      ["sent", undefined], // the sender cannot know; grumpy's own client hides it
    ]);
    expect(seen.at(-1)).toBe(5);
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // n of N only goes up
    // The node said "slow down" to the sender's inbox during the broadcast, and nothing failed.
    await node.logLine(() => limited() > limitedBefore, 2_000);
    expect(limited()).toBeGreaterThan(limitedBefore);

    // Friend: a new DM with the sender, the text once.
    await friend.conversations.sync();
    const fdm = await friend.conversations.findDmByAddress(wallets.sender!.address);
    const ftexts = (await fdm!.messages()).filter((m) => m.content === TEXT);
    expect(ftexts).toHaveLength(1);
    expect(ftexts[0]!.senderInboxId).toBe(sender.inboxId);
    // Colleague: in the DM that existed, after the earlier message.
    await colleague.conversations.sync();
    const cdms = (await colleague.conversations.list()).filter((c) => c.kind === "dm");
    expect(cdms).toHaveLength(1);
    expect((await cdms[0]!.messages()).map((m) => m.content)).toEqual([
      "see you at the offsite",
      TEXT,
    ]);
    // Pest: blocked by the sender, never contacted at all.
    await pest.conversations.sync();
    expect(await pest.conversations.list()).toHaveLength(0);
    // Grumpy blocked the sender: nothing in the inbox, nothing in Requests, nothing unread.
    await grumpy.conversations.sync();
    expect(await grumpy.conversations.list({ consent: ["allowed", "unknown"] })).toHaveLength(0);
    expect(await grumpy.conversations.unreadTotal()).toBe(0);
  });

  it("with the node down each recipient fails with its reason; Retry failed sends each once", async () => {
    const OUTAGE = `Sent during an outage ${Date.now()}`;
    const port = new URL(node.url).port;
    await node.stop();
    // Friend and colleague have a DM: the text is stored, then its publish fails.
    const job = sender.broadcasts.start(
      [wallets.friend!.address, colleague.inboxId].join("\n"),
      { text: OUTAGE },
      { intervalMs: 0 },
    );
    const failed = await job.run();
    expect(failed).toMatchObject({ total: 2, sent: 0, failed: 2, running: false });
    for (const e of failed.entries) expect(e.reason).toMatch(/\S/);

    node = await startNode({ dataDir, env: { PORT: port } });
    const report = await job.retryFailed();
    expect(report).toMatchObject({ total: 2, sent: 2, failed: 0 });
    for (const person of [friend, colleague]) {
      await person.conversations.sync();
      const dm = (await person.conversations.list()).find((c) => c.kind === "dm")!;
      const copies = (await dm.messages()).filter((m) => m.content === OUTAGE);
      expect(copies).toHaveLength(1);
    }
    // The sender's own thread holds one copy too: the stored message was republished.
    const mine = await sender.conversations.findDmByAddress(wallets.friend!.address);
    expect((await mine!.messages()).filter((m) => m.content === OUTAGE)).toHaveLength(1);
  }, 180_000);

  it("retrying the failed ones never sends twice to those who got it", async () => {
    const job = sender.broadcasts.latest()!;
    await job.retryFailed(); // nothing failed: a no-op that must not resend
    // A second broadcast with text and two files: uploaded once, one message for the files.
    const files = [
      { filename: "menu.txt", mimeType: "text/plain", data: new TextEncoder().encode("soup") },
      { filename: "map.txt", mimeType: "text/plain", data: new TextEncoder().encode("left") },
    ];
    const again = sender.broadcasts.start(wallets.friend!.address, { text: "second note", files });
    expect(await again.run()).toMatchObject({ sent: 1, failed: 0 });
    await friend.conversations.sync();
    const fdm = await friend.conversations.findDmByAddress(wallets.sender!.address);
    const messages = await fdm!.messages();
    const contents = messages.map((m) => m.content);
    expect(contents.filter((c) => c === TEXT)).toHaveLength(1);
    expect(contents.at(-2)).toBe("second note");
    const multi = messages.at(-1)!.content as MultiRemoteAttachment;
    const opened = await Promise.all(multi.attachments.map((r) => friend.loadAttachment(r)));
    expect(opened.map((f) => new TextDecoder().decode(f.data))).toEqual(["soup", "left"]);
    // One DM per person: the second broadcast used the same one.
    expect((await friend.conversations.list()).filter((c) => c.kind === "dm")).toHaveLength(1);
  });
});
