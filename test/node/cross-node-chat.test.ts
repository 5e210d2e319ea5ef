// Two node processes on one PostgreSQL: a client on node 1 and a client on node 2
// chat in real time (the live fan-out between processes is LISTEN/NOTIFY).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "../../lib/client";
import { startNode, type StartedNode } from "../../server/test/harness";
import { createClient, newWallet, take } from "../support/accounts";
import { dropSchema, freshSchema, pgNotice, TEST_DATABASE_URL } from "./pg";

pgNotice("two nodes on one PostgreSQL: cross-node live chat");

describe.runIf(TEST_DATABASE_URL)("two node processes on one PostgreSQL", () => {
  const schema = freshSchema();
  let n1: StartedNode;
  let n2: StartedNode;
  let a: Client;
  let b: Client;
  const bob = newWallet();

  beforeAll(async () => {
    const env = { DATABASE_SCHEMA: schema };
    // Started together: the migrations run once, under their advisory lock.
    [n1, n2] = await Promise.all([
      startNode({ databaseUrl: TEST_DATABASE_URL, env }),
      startNode({ databaseUrl: TEST_DATABASE_URL, env }),
    ]);
    a = await createClient(newWallet(), n1.url, "cross-alice");
    b = await createClient(bob, n2.url, "cross-bob");
  }, 120_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await Promise.all([n1?.stop(), n2?.stop()]);
    await dropSchema(TEST_DATABASE_URL!, schema);
  });

  it("migrated the shared schema exactly once", () => {
    const applied = [...n1.logs, ...n2.logs].filter((l) => l.includes('"migrations applied"'));
    expect(applied).toHaveLength(1);
  });

  it("a DM goes node 1 → node 2 live, and the reply node 2 → node 1, live (reply within 5 s)", async () => {
    const bStream = b.conversations.streamAllMessages();
    const dm = await a.conversations.newDm(bob.address);
    const sent: string[] = [];
    const sentAt: number[] = [];
    for (let i = 0; i < 10; i++) {
      sent.push(`hello ${i} across nodes`);
      sentAt.push(Date.now());
      await dm.send(sent[i]!);
    }
    const got = await take(bStream, 10, 30_000);
    await bStream.return?.();
    expect(got.map((m) => m.content)).toEqual(sent);
    expect(got.every((m) => m.senderInboxId === a.inboxId)).toBe(true);

    const aStream = a.conversations.streamAllMessages();
    const [bConv] = await b.conversations.list();
    const t0 = Date.now();
    await bConv!.send("reply from node 2");
    const back = (await take(aStream, 11, 30_000)).filter((m) => m.senderInboxId === b.inboxId);
    await aStream.return?.();
    expect(back.map((m) => m.content)).toEqual(["reply from node 2"]);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
