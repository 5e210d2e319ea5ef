// Group changes through a real node with real clients: create, add 1 / remove 1 and send in
// groups of 10, 100, 250 (and 1,000: `npx tsx bench/groups.ts 1000`). The group holds N-1
// inboxes; each round adds a spare inbox (→ N) and removes it again. A removal is one commit:
// Remove + the extension update (see lib/client/groups/plans.ts).
// The node runs on PostgreSQL as deployed (BENCH_DATABASE_URL / TEST_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test; BENCH_PGLITE=1 for the embedded PGlite instead).
import { startNode } from "../server/test/harness";
import type { Client } from "../lib/client";
import { createClient, newWallet } from "../test/support/accounts";
import { summary } from "./stats";
import { runsAlone, runHeader, rowsTable } from "./alone";

const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
// One process plays every member: lift the per-IP limits a real node keeps.
const LIFT = {
  RATE_LIMIT_READS_PER_MIN: "1000000000",
  RATE_LIMIT_READ_BURST: "1000000000",
  RATE_LIMIT_WRITES_PER_MIN: "1000000000",
  RATE_LIMIT_WRITE_BURST: "1000000000",
};

async function clients(url: string, n: number, tag: string): Promise<Client[]> {
  const out: Client[] = [];
  while (out.length < n) {
    const k = Math.min(10, n - out.length);
    out.push(
      ...(await Promise.all(
        Array.from({ length: k }, (_, i) =>
          createClient(newWallet(), url, `${tag}-${out.length + i}`),
        ),
      )),
    );
  }
  return out;
}

export async function benchGroups(sizes = [10, 100, 250], rounds = 5, sends = 20) {
  const node = await startNode({
    ...(process.env.BENCH_PGLITE ? {} : { databaseUrl: DATABASE_URL }),
    env: LIFT,
  });
  const results = [];
  try {
    for (const size of sizes) {
      const all = await clients(node.url, size - 1 + rounds, `bench-g${size}-${Date.now()}`);
      const [owner, ...others] = all;
      const members = others.slice(0, size - 2);
      const spares = others.slice(size - 2);
      let t = performance.now();
      const group = await owner!.conversations.newGroup(members.map((c) => c.inboxId));
      const create = performance.now() - t;
      const add: number[] = [];
      const remove: number[] = [];
      const send: number[] = [];
      for (const spare of spares) {
        t = performance.now();
        await group.addMembers([spare.inboxId]);
        add.push(performance.now() - t);
        t = performance.now();
        await group.removeMembers([spare.inboxId]);
        remove.push(performance.now() - t);
      }
      // Client CPU per send as well: on a shared, loaded machine wall time mostly measures waiting.
      const sendCpu: number[] = [];
      for (let i = 0; i < sends; i++) {
        const cpu = process.cpuUsage();
        t = performance.now();
        await group.send(`message ${i}`);
        send.push(performance.now() - t);
        const used = process.cpuUsage(cpu);
        sendCpu.push((used.user + used.system) / 1000);
      }
      // As in the app: the stream is live, so a send asks the node for no waiting commits.
      const stream = owner!.conversations.streamAllMessages();
      while (owner!.connection !== "live") await new Promise((r) => setTimeout(r, 20));
      const sendLive: number[] = [];
      for (let i = 0; i < sends; i++) {
        t = performance.now();
        await group.send(`live message ${i}`);
        sendLive.push(performance.now() - t);
      }
      await stream.return?.();
      results.push(
        summary(`group of ${size}: create with ${size - 1} inboxes (once)`, [create]),
        summary(`group of ${size}: add 1 inbox (commit won + welcome sent)`, add),
        summary(`group of ${size}: remove 1 inbox (one commit: Remove + extensions)`, remove),
        summary(`group of ${size}: send (encrypt + publish), no stream`, send),
        summary(`group of ${size}: send (encrypt + publish), stream live`, sendLive),
        summary(`group of ${size}: send, client CPU time (no stream)`, sendCpu),
      );
      for (const c of all) await c.close();
      console.error(JSON.stringify(results.slice(-6)));
    }
  } finally {
    await node.stop();
  }
  return results;
}

if (runsAlone(import.meta.url)) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const results = await benchGroups(sizes.length ? sizes : undefined);
  console.log(rowsTable(results));
  console.log(runHeader());
  process.exit(0);
}
