// Send → rendered-in-the-peer's-database latency through a real node process on
// loopback, with real clients (MLS, Dexie on fake-indexeddb, Connect).
import { startNode } from "../server/test/harness";
import { createClient, newWallet, take } from "../test/support/accounts";
import { summary } from "./stats";
import { rowsTable, runHeader, runsAlone } from "./alone";

export async function benchNodeRoundTrip(messages = 200) {
  const node = await startNode();
  try {
    const alice = newWallet();
    const bob = newWallet();
    const a = await createClient(alice, node.url, `bench-a-${Date.now()}`);
    const b = await createClient(bob, node.url, `bench-b-${Date.now()}`);
    const dm = await a.conversations.newDm(bob.address);
    const stream = b.conversations.streamAllMessages();
    await dm.send("warm-up");
    await take(stream, 1);
    const latency: number[] = [];
    for (let i = 0; i < messages; i++) {
      const t = performance.now();
      await dm.send(`message ${i}`);
      const [m] = await take(stream, 1);
      if (m?.content !== `message ${i}`) throw new Error(`out of order: got ${String(m?.content)}`);
      latency.push(performance.now() - t);
    }
    await stream.return?.();
    await a.close();
    await b.close();
    return [summary("send → stored in peer (Node clients, loopback)", latency)];
  } finally {
    await node.stop();
  }
}

if (runsAlone(import.meta.url)) {
  const messages = Number(process.argv[2]) || undefined;
  console.log(rowsTable(await benchNodeRoundTrip(messages)));
  console.log(runHeader());
  process.exit(0);
}
