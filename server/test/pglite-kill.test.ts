// A batched send the node on PGlite acknowledged is on disk when the node is SIGKILLed right
// after: PGlite (on its own thread, store/pglite-worker.ts) writes the commit's WAL to the
// data folder before the statement returns, and the node answers only after that.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { startNode } from "./harness";
import { clients, privateMessage, randomGroupId } from "./helpers";

it("keeps every acknowledged message of a batched send across a SIGKILL of the node", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pglite-kill-"));
  try {
    const node = await startNode({ dataDir, timeoutMs: 180_000 });
    const groupId = randomGroupId();
    const sent = Array.from({ length: 300 }, () =>
      privateMessage(groupId, crypto.getRandomValues(new Uint8Array(100))),
    );
    const api = clients(node.url);
    for (let i = 0; i < sent.length; i += 100) {
      const batch = sent.slice(i, i + 100);
      await api.mls.sendGroupMessages({
        messages: batch.map((data) => ({ version: { case: "v1" as const, value: { data } } })),
      });
    }
    const exited = new Promise((resolve) => node.child.once("exit", resolve));
    node.kill();
    await exited;
    const again = await startNode({ dataDir, timeoutMs: 180_000 });
    try {
      const stored: Uint8Array[] = [];
      for (let cursor = 0n; ;) {
        const page = await clients(again.url).mls.queryGroupMessages({
          groupId,
          pagingInfo: { limit: 100, idCursor: cursor },
        });
        if (page.messages.length === 0) break;
        for (const m of page.messages) stored.push(m.version.value!.data);
        cursor = page.messages.at(-1)!.version.value!.id;
      }
      const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
      expect(stored.map(hex)).toEqual(sent.map(hex));
    } finally {
      await again.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 400_000);
