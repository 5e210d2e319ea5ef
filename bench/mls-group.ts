// MLS cost of one membership change in a large group, pure lib/mls (no node, no storage):
// the group holds N-1 installations; each round the owner adds a spare (→ N) and removes it
// again, the way lib/client commits them (Add or Remove together with the membership
// extension update, one commit each). A receiver in the middle of the tree processes both.
// `npx tsx bench/mls-group.ts [N] [rounds]`
import { randomBytes, toHex } from "../lib/crypto";
import {
  commitChanges,
  createGroup,
  createKeyPackage,
  joinFromWelcome,
  mergeOwnCommit,
  presetPermissions,
  processMessage,
  readGroupContext,
  type GroupContextState,
  type GroupHandle,
  type InstallationSigner,
} from "../lib/mls";
import { Directory, newSigner } from "../lib/mls/test/helpers";
import { benchOpenMls, type OpenMlsFigures } from "./openmls";
import { summary } from "./stats";
import { runsAlone } from "./alone";

/** Issue 13's table: OpenMLS (WASM, same machine) and the goal, in ms. */
export const ANCHORS = {
  addReceiver: { openmls: 14.7, goal: 30 },
  addCommitter: { openmls: 32.5, goal: 65 },
  removeReceiver: { openmls: 22.8, goal: 45 },
};

function contextOf(g: GroupHandle): GroupContextState {
  return readGroupContext(g.state.groupContext.extensions);
}

function withMember(g: GroupHandle, inbox: string, present: boolean): GroupContextState {
  const c = contextOf(g);
  if (present) c.membership.set(inbox, 1n);
  else c.membership.delete(inbox);
  return c;
}

async function setup(n: number, dir: Directory) {
  const owner = newSigner();
  const others: InstallationSigner[] = Array.from({ length: n - 2 }, () => newSigner());
  dir.register(owner, ...others);
  const created = await createGroup({
    signer: owner,
    metadata: { conversationType: "group", creatorInboxId: owner.inboxId },
    context: {
      metadata: { attributes: {}, admins: [], superAdmins: [owner.inboxId] },
      membership: new Map([[owner.inboxId, 1n]]),
      permissions: presetPermissions("default"),
    },
  });
  const kps = await Promise.all(others.map((s) => createKeyPackage(s)));
  const context = contextOf(created);
  for (const s of others) context.membership.set(s.inboxId, 1n);
  const added = await commitChanges(
    created,
    { add: kps.map((k) => k.keyPackageBytes), context },
    dir.auth,
  );
  // The receiver sits in the middle of the tree: a typical path length.
  const mid = Math.floor(others.length / 2);
  const receiver = await joinFromWelcome({
    welcome: added.welcome!,
    keyPackagePrivate: kps[mid]!.privateBytes,
    keyPackageBytes: kps[mid]!.keyPackageBytes,
    signer: others[mid]!,
    auth: dir.auth,
  });
  return { owner: mergeOwnCommit(created, added.pending), receiver };
}

/** Wall and process CPU time of one step: on a loaded machine the CPU time still compares runs. */
interface Timings {
  wall: number[];
  cpu: number[];
}
async function timed<T>(into: Timings, step: () => Promise<T>): Promise<T> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const out = await step();
  into.wall.push(performance.now() - t);
  const used = process.cpuUsage(cpu);
  into.cpu.push((used.user + used.system) / 1000);
  return out;
}
const timings = (): Timings => ({ wall: [], cpu: [] });

export async function benchMlsGroup(n = 500, rounds = 10) {
  const dir = new Directory();
  const t = performance.now();
  let { owner, receiver } = await setup(n, dir);
  console.error(`setup of a ${n - 1}-installation group: ${(performance.now() - t).toFixed(0)} ms`);
  // A profiler harness may hook here to leave the setup out of the profile.
  await (globalThis as { __startProfile?: () => Promise<void> }).__startProfile?.();
  const addCommitter = timings();
  const addReceiver = timings();
  const removeCommitter = timings();
  const removeReceiver = timings();
  for (let r = 0; r < rounds; r++) {
    const spare = newSigner(toHex(randomBytes(32)));
    dir.register(spare);
    const kp = await createKeyPackage(spare);
    const add = await timed(addCommitter, async () => {
      const made = await commitChanges(
        owner,
        { add: [kp.keyPackageBytes], context: withMember(owner, spare.inboxId, true) },
        dir.auth,
      );
      owner = mergeOwnCommit(owner, made.pending);
      return made;
    });
    const got = await timed(addReceiver, () => processMessage(receiver, add.commit, dir.auth));
    if (got.kind !== "commit") throw new Error(`receiver: ${got.kind}`);
    receiver = got.group;

    const rm = await timed(removeCommitter, async () => {
      const made = await commitChanges(
        owner,
        // REMOVE_ONLY=1: a bare Remove (before the ts-mls patch, Remove + extensions broke).
        process.env.REMOVE_ONLY
          ? { remove: [spare.publicKey] }
          : { remove: [spare.publicKey], context: withMember(owner, spare.inboxId, false) },
        dir.auth,
      );
      owner = mergeOwnCommit(owner, made.pending);
      return made;
    });
    const gone = await timed(removeReceiver, () => processMessage(receiver, rm.commit, dir.auth));
    if (gone.kind !== "commit") throw new Error(`receiver: ${gone.kind}`);
    receiver = gone.group;
  }
  const row = (name: string, t: Timings, anchor?: (typeof ANCHORS)[keyof typeof ANCHORS]) => ({
    ...summary(name, t.wall),
    cpuP50: summary(name, t.cpu).p50,
    anchor,
  });
  return [
    row(`MLS add 1 at N=${n}, receiver`, addReceiver, ANCHORS.addReceiver),
    row(`MLS add 1 at N=${n}, committer`, addCommitter, ANCHORS.addCommitter),
    row(`MLS remove 1 at N=${n}, receiver`, removeReceiver, ANCHORS.removeReceiver),
    row(`MLS remove 1 at N=${n}, committer`, removeCommitter),
  ];
}

/** Our figures next to OpenMLS (run here when installed, else recorded) and the goal. */
export function table(
  results: Awaited<ReturnType<typeof benchMlsGroup>>,
  openmls?: OpenMlsFigures,
): string {
  const live = openmls
    ? [openmls.addReceiver, openmls.addCommitter, openmls.removeReceiver, openmls.removeCommitter]
    : [];
  const rows = results.map((r, i) => {
    const here = live[i] === undefined ? "not run" : `${live[i].toFixed(2)} ms`;
    const recorded = r.anchor ? `${r.anchor.openmls} ms` : "-";
    const goal = r.anchor ? `<= ${r.anchor.goal} ms` : "-";
    return `| ${r.name} | ${r.n} | ${r.p50} ms | ${r.p95} ms | ${r.cpuP50} ms | ${here} | ${recorded} | ${goal} |`;
  });
  return [
    "| what | n | p50 | p95 | CPU p50 | OpenMLS p50, this run | OpenMLS (issue 13) | goal |",
    "|---|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

if (runsAlone(import.meta.url)) {
  const [n, rounds] = process.argv.slice(2).map(Number);
  const results = await benchMlsGroup(n || undefined, rounds || undefined);
  const openmls =
    process.env.OPENMLS === "0" ? undefined : await benchOpenMls(n || 500, rounds || 8);
  if (!openmls) console.error("OpenMLS not run: npm install --no-save @wireapp/core-crypto@10.3.0");
  console.log(table(results, openmls));
  process.exit(0);
}
