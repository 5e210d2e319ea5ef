// A sender's browser is SIGKILLed in the middle of a send: after the message, the ratchet
// state its encryption advanced to and the ciphertext were stored (in one transaction, the
// short path a send takes with the stream live), before the ciphertext reached the node. On
// restart, on the same profile, the message goes out by itself exactly once, and the next
// message is sealed with the next generation: the peer reads every message once, in order
// (a reused generation would make the peer refuse the later one; a state saved without
// its ciphertext would lose the message). Real Chromium with its IndexedDB on disk, real
// node, real MLS (see crash-safe-commits.test.ts for why the browser).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatePrivateKey } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "../../lib/client";
import { startNode, type StartedNode } from "../../server/test/harness";
import { driverBundle, inBrowser, killedAt, type CrashPage } from "../crash/harness";
import { createClient, newWallet, take } from "../support/accounts";

describe("a send survives its sender being killed before the publish", () => {
  let node: StartedNode;
  let at: CrashPage;
  const dirs: string[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    node = await startNode({ timeoutMs: 180_000 }); // a loaded machine opens PGlite slowly
    at = { pageUrl: `${node.url}/__crash/index.html`, bundle: await driverBundle() };
  }, 240_000);

  afterAll(async () => {
    for (const c of clients) await c.close();
    await node?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("killedAfterStoreBeforePublish: the stored ciphertext goes out once on restart, the next send reads", async () => {
    const profile = mkdtempSync(join(tmpdir(), "messenger-crash-send-"));
    dirs.push(profile);
    const who = { apiUrl: node.url, privateKey: generatePrivateKey() };
    const bob = newWallet();
    const b = await createClient(bob, node.url, "crash-send-bob");
    clients.push(b);
    const stream = b.conversations.streamAllMessages();

    await killedAt(at, "sendStep", "before_publish", profile, (page) =>
      page.evaluate(([w, a]) => window.crashDriver.sendKilled(w, a, "typed before the crash"), [
        who,
        bob.address,
      ] as const),
    );
    const recovered = await inBrowser(at, profile, (page) =>
      page.evaluate(([w, a]) => window.crashDriver.recoverSend(w, a, "after the restart"), [
        who,
        bob.address,
      ] as const),
    );

    const all = ["before the crash", "typed before the crash", "after the restart"];
    const got = await take(stream, 3, 60_000);
    await stream.return?.();
    const dm = (await b.conversations.list()).find((c) => c.kind === "dm")!;
    const bobHistory = await (await b.conversations.getById(dm.id))!.messages();
    expect({
      senderTexts: recovered.texts,
      senderStatuses: recovered.statuses,
      bobStreamed: got.map((m) => m.content),
      bobHistory: bobHistory.map((m) => m.content),
      bobDropped: b.diagnostics(),
    }).toEqual({
      senderTexts: all,
      senderStatuses: ["published", "published", "published"],
      bobStreamed: all,
      bobHistory: all,
      bobDropped: {},
    });
  }, 240_000);
});
