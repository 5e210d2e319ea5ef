// One real node for a describe block, and what its tests open on it: the clients are closed
// and the syncs stopped after the block, then the node.
import { afterAll, beforeAll } from "vitest";
import type { Client } from "../../lib/client";
import { startNode, type StartedNode } from "../../server/test/harness";

export function nodeSuite(): { url: () => string; clients: Client[]; stops: (() => void)[] } {
  let node: StartedNode | undefined;
  const clients: Client[] = [];
  const stops: (() => void)[] = [];
  beforeAll(async () => {
    node = await startNode();
  }, 120_000);
  afterAll(async () => {
    for (const stop of stops) stop();
    for (const c of clients) await c.close();
    await node?.stop();
  });
  return { url: () => node!.url, clients, stops };
}
