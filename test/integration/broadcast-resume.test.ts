// A broadcast survives a reload (issue 17 item 5): the sender's client is closed while a
// broadcast is half done, and a new client on the same database resumes it and finishes it.
// Every recipient gets the message exactly once, also the one whose send the stop cut short
// after the message went out but before the job noted it (the crash window).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client } from "../../lib/client";
import { loadBroadcasts, saveBroadcast } from "../../lib/storage";
import type { JobRecord } from "../../lib/client/broadcast/job-record";
import { createClient, newWallet, type TestWallet } from "../support/accounts";
import { ctxOf, until } from "../support/client-internals";

const TEXT = `Doors open at 7 ${Date.now()}`;

describe("broadcast resumed after a reload", () => {
  let node: StartedNode;
  let senderWallet: TestWallet;
  const people: Client[] = [];
  const open: Client[] = [];

  beforeAll(async () => {
    node = await startNode();
    senderWallet = newWallet();
    for (let i = 0; i < 4; i++)
      people.push(await createClient(newWallet(), node.url, `bcr-person-${i}`));
  }, 120_000);

  afterAll(async () => {
    for (const c of [...people, ...open]) await c.close().catch(() => undefined);
    await node?.stop();
  });

  const copiesFor = async (person: Client) => {
    await person.conversations.sync();
    let n = 0;
    for (const conv of await person.conversations.list())
      n += (await conv.messages()).filter((m) => m.content === TEXT).length;
    return n;
  };

  it("a new client on the same store finishes it, sending nobody a second copy", async () => {
    const first = await createClient(senderWallet, node.url, "bcr-sender");
    open.push(first);
    const job = first.broadcasts.start(
      people.map((p) => p.address).join("\n"),
      { text: TEXT },
      { intervalMs: 2500 },
    );
    await until("two recipients are sent", async () => job.progress().sent >= 2, 60_000);
    await first.close(); // the tab reloads: the run stops where it is

    // The crash window: the message to the first person went out, but the job's note of it
    // never reached the disk (stored as still sending).
    const second = await createClient(senderWallet, node.url, "bcr-sender");
    const [stored] = await loadBroadcasts(ctxOf(second).db);
    expect(stored?.id).toBe(job.id);
    const record = stored!.state as JobRecord;
    expect(record.slots.filter((s) => s.entry.status === "sent").length).toBeGreaterThanOrEqual(2);
    expect(record.slots.some((s) => s.entry.status === "waiting")).toBe(true);
    record.slots[0]!.entry = { ...record.slots[0]!.entry, status: "sending" };
    record.slots[0]!.partsDone = [false];
    await saveBroadcast(ctxOf(second).db, stored!.id, stored!.createdAt, record);
    // Stored sealed: neither the text nor a recipient is readable on disk.
    const raw = JSON.stringify(await ctxOf(second).db.broadcasts.toArray(), (_, v: unknown) =>
      v instanceof Uint8Array ? new TextDecoder().decode(v) : v,
    );
    expect(raw).not.toContain("Doors open");
    expect(raw).not.toContain(people[0]!.address.slice(2, 12));
    await second.close();

    const third = await createClient(senderWallet, node.url, "bcr-sender");
    open.push(third);
    const resumed = await third.broadcasts.resume();
    expect(resumed.map((j) => j.id)).toEqual([job.id]);
    const report = await resumed[0]!.run();
    expect(report).toMatchObject({ total: 4, sent: 4, failed: 0, skipped: 0, running: false });
    // The report is there for the view after the reload, stored as final.
    expect(third.broadcasts.latest()?.progress()).toMatchObject({ id: job.id, sent: 4 });
    for (const person of people) expect(await copiesFor(person)).toBe(1);
    // Nothing left to resume: a later start does not send again.
    expect(await third.broadcasts.resume()).toEqual([]);
  }, 180_000);
});
