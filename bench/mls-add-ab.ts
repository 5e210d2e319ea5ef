// The MLS add committer of two checkouts in ONE process, alternated A B A B, so a shared
// machine's load hits both alike (bench/mls-group.ts runs one checkout per process). Each side
// imports its own checkout's lib/mls, hence its own node_modules/ts-mls and patch.
// `A=/path/to/base B=/path/to/new npx tsx bench/mls-add-ab.ts [N=500] [rounds=40]`
import os from "node:os";
import { runsAlone } from "./alone";

type Mls = typeof import("../lib/mls");
type Helpers = typeof import("../lib/mls/test/helpers");
type Crypto = typeof import("../lib/crypto");
type GroupHandle = import("../lib/mls").GroupHandle;

/** Wall, process CPU and main-thread CPU (ms) of one add commit, for one checkout. */
async function side(root: string, n: number): Promise<() => Promise<number[]>> {
  const mls = (await import(`${root}/lib/mls/index.ts`)) as Mls;
  const { Directory, newSigner } = (await import(`${root}/lib/mls/test/helpers.ts`)) as Helpers;
  const { randomBytes, toHex } = (await import(`${root}/lib/crypto/index.ts`)) as Crypto;
  const ctx = (g: GroupHandle) => mls.readGroupContext(g.state.groupContext.extensions);
  const dir = new Directory();
  const owner = newSigner();
  const others = Array.from({ length: n - 2 }, () => newSigner());
  dir.register(owner, ...others);
  const created = await mls.createGroup({
    signer: owner,
    metadata: { conversationType: "group", creatorInboxId: owner.inboxId },
    context: {
      metadata: { attributes: {}, admins: [], superAdmins: [owner.inboxId] },
      membership: new Map([[owner.inboxId, 1n]]),
      permissions: mls.presetPermissions("default"),
    },
  });
  const kps = await Promise.all(others.map((s) => mls.createKeyPackage(s)));
  const c0 = ctx(created);
  for (const s of others) c0.membership.set(s.inboxId, 1n);
  const all = await mls.commitChanges(
    created,
    { add: kps.map((k) => k.keyPackageBytes), context: c0 },
    dir.auth,
  );
  let group = mls.mergeOwnCommit(created, all.pending);
  return async () => {
    const spare = newSigner(toHex(randomBytes(32)));
    dir.register(spare);
    const kp = await mls.createKeyPackage(spare);
    const cpu = process.cpuUsage();
    const main = process.threadCpuUsage();
    const t = performance.now();
    const c = ctx(group);
    c.membership.set(spare.inboxId, 1n);
    const added = await mls.commitChanges(
      group,
      { add: [kp.keyPackageBytes], context: c },
      dir.auth,
    );
    group = mls.mergeOwnCommit(group, added.pending);
    const wall = performance.now() - t;
    const u = process.cpuUsage(cpu);
    const m = process.threadCpuUsage(main);
    const back = ctx(group);
    back.membership.delete(spare.inboxId);
    const removed = await mls.commitChanges(
      group,
      { remove: [spare.publicKey], context: back },
      dir.auth,
    );
    group = mls.mergeOwnCommit(group, removed.pending);
    return [wall, (u.user + u.system) / 1000, (m.user + m.system) / 1000];
  };
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

if (runsAlone(import.meta.url)) {
  const [n = 500, rounds = 40] = process.argv.slice(2).map(Number);
  const a = await side(process.env.A ?? process.cwd(), n);
  const b = await side(process.env.B ?? process.cwd(), n);
  const runs: { a: number[]; b: number[] }[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which side goes first: the second of a pair meets the first one's garbage.
    if (r % 2 === 0) runs.push({ a: await a(), b: await b() });
    else {
      const second = await b();
      runs.push({ a: await a(), b: second });
    }
  }
  const what = ["wall", "process CPU", "main-thread CPU"];
  console.log(`${new Date().toISOString()}, load average ${os.loadavg()[0]!.toFixed(2)}, N=${n}`);
  console.log("| add committer, p50 | A | B | B/A, median of pairs |\n|---|---|---|---|");
  for (const [i, name] of what.entries()) {
    const ra = runs.map((x) => x.a[i]!);
    const rb = runs.map((x) => x.b[i]!);
    const ratio = p50(runs.map((x) => x.b[i]! / x.a[i]!));
    console.log(
      `| ${name} | ${p50(ra).toFixed(1)} ms | ${p50(rb).toFixed(1)} ms | ${ratio.toFixed(3)} |`,
    );
  }
  process.exit(0);
}
