// Group changes through a real node with real clients: add 1 / remove 1 / send in groups
// of 10, 100 and 250 inboxes. The group holds N-1 inboxes; each round adds a spare
// inbox (→ N) and removes it again. A removal is one commit: Remove + the extension update
// (see lib/client/groups/plans.ts). `npx tsx bench/groups.ts`
import { startNode } from "../server/test/harness";
import type { Client } from "../lib/client";
import { createClient, newWallet } from "../test/support/accounts";
import { summary } from "./stats";

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
  const node = await startNode();
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
      for (let i = 0; i < sends; i++) {
        t = performance.now();
        await group.send(`message ${i}`);
        send.push(performance.now() - t);
      }
      results.push(
        summary(`group of ${size}: create with ${size - 1} inboxes (once)`, [create]),
        summary(`group of ${size}: add 1 inbox (commit won + welcome sent)`, add),
        summary(`group of ${size}: remove 1 inbox (one commit: Remove + extensions)`, remove),
        summary(`group of ${size}: send (encrypt + publish)`, send),
      );
      for (const c of all) await c.close();
      console.error(JSON.stringify(results.slice(-4)));
    }
  } finally {
    await node.stop();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const results = await benchGroups(sizes.length ? sizes : undefined);
  console.log("| what | n | p50 | p95 | p99 |\n|---|---|---|---|---|");
  for (const r of results)
    console.log(
      `| ${r.name} | ${r.n} | ${r.p50} ${r.unit} | ${r.p95} ${r.unit} | ${r.p99} ${r.unit} |`,
    );
  process.exit(0);
}
