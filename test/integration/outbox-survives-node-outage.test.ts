// Nothing typed is lost: a message sent while the node is down is kept (failed,
// with its ciphertext) and goes out on retry once the node is back, and the
// stream resumes from its cursors with no gap and no duplicate.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ClientError, type Client, type DecodedMessage } from "../../lib/client";
import { startNode, type StartedNode } from "../../server/test/harness";
import { createClient, newWallet, take } from "../support/accounts";

describe("a node outage", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "messenger-outage-"));
  const clients: Client[] = [];
  let node: StartedNode | undefined;

  afterAll(async () => {
    for (const c of clients) await c.close();
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps a message typed during the outage and delivers it exactly once after a retry", async () => {
    node = await startNode({ dataDir });
    const port = new URL(node.url).port;
    const alice = newWallet();
    const bob = newWallet();
    const a = await createClient(alice, node.url, "outage-a");
    const b = await createClient(bob, node.url, "outage-b");
    clients.push(a, b);
    const dm = await a.conversations.newDm(bob.address);
    const bStream = b.conversations.streamAllMessages();
    await dm.send("before the outage");
    expect((await take(bStream, 1)).map((m) => m.content)).toEqual(["before the outage"]);

    await node.stop();
    const failure = await dm.send("typed while the node was down").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ClientError);
    expect((failure as ClientError).code).toBe("send_failed");
    const kept = (await dm.messages()).at(-1)!;
    expect(kept).toMatchObject({ content: "typed while the node was down", status: "failed" });

    node = await startNode({ dataDir, env: { PORT: port } });
    const retried = await dm.retry(kept.id);
    expect(retried.status).toBe("published");
    await dm.retry(kept.id); // a second retry must not duplicate it
    await dm.send("after the outage");

    const received: DecodedMessage[] = await take(bStream, 2, 60_000);
    await bStream.return?.();
    expect(received.map((m) => m.content)).toEqual([
      "typed while the node was down",
      "after the outage",
    ]);
    const history = await (await b.conversations.getById(dm.id))!.messages();
    expect(history.map((m) => m.content)).toEqual([
      "before the outage",
      "typed while the node was down",
      "after the outage",
    ]);
  });

  it("sends queued messages by itself once a syncing client's stream is live again", async () => {
    node = node ?? (await startNode({ dataDir }));
    const port = new URL(node.url).port;
    const carol = newWallet();
    const dave = newWallet();
    const c = await createClient(carol, node.url, "outage-c");
    const d = await createClient(dave, node.url, "outage-d");
    clients.push(c, d);
    const stopSync = c.startSync();
    const dm = await c.conversations.newDm(dave.address);
    const dStream = d.conversations.streamAllMessages();

    await node.stop();
    await dm.send("queued while offline").catch(() => undefined);
    expect((await dm.messages()).at(-1)!.status).toBe("failed");

    node = await startNode({ dataDir, env: { PORT: port } });
    const [m] = await take(dStream, 1, 60_000);
    await dStream.return?.();
    stopSync();
    expect(m!.content).toBe("queued while offline");
    expect((await dm.messages()).at(-1)!.status).toBe("published");
  }, 150_000);
});
