// `npx tsx bench/cpuprofile.ts FILE.cpuprofile [--from S] [--to S] [--top N]`: where a
// node process's CPU went, from a V8 profile (BENCH_NODE_ARGS="--cpu-prof …"): busy
// samples by function (self and inclusive), by file / package (self), and a per-second
// timeline of busy samples so a phase (e.g. the lean client's single sends) can be cut
// out with --from/--to (seconds since the profile started).
import fs from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const file = args.find((a) => a.endsWith(".cpuprofile"));
if (!file) throw new Error("usage: cpuprofile.ts FILE.cpuprofile [--from S] [--to S] [--top N]");
const from = opt("--from", 0);
const to = opt("--to", Infinity);
const top = opt("--top", 40);

const p = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const IDLE = new Set(["(idle)", "(program)"]);
/** Where a frame lives: a package, a node internal, or the repo file. */
function place(url: string): string {
  if (!url) return "(native)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith("node:")) return url;
  const i = url.search(/\/(server|lib|bench)\//);
  return i >= 0 ? url.slice(i + 1) : url;
}
const fnKey = (n: Node) =>
  `${n.callFrame.functionName || "(anon)"} ${place(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const self = new Map<string, number>();
const incl = new Map<string, number>();
const files = new Map<string, number>();
const timeline = new Map<number, number>();
let t = p.startTime;
let busy = 0;
let total = 0;
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i] ?? 0;
  const s = (t - p.startTime) / 1e6;
  const n = byId.get(p.samples[i]!)!;
  const idle = IDLE.has(n.callFrame.functionName);
  if (!idle) timeline.set(Math.floor(s), (timeline.get(Math.floor(s)) ?? 0) + 1);
  if (s < from || s >= to) continue;
  total++;
  if (idle) continue;
  busy++;
  self.set(fnKey(n), (self.get(fnKey(n)) ?? 0) + 1);
  const f = n.callFrame.functionName.startsWith("(")
    ? n.callFrame.functionName
    : place(n.callFrame.url);
  files.set(f, (files.get(f) ?? 0) + 1);
  const seen = new Set<string>();
  for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
    const k = fnKey(byId.get(id)!);
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + 1);
  }
}

const pct = (x: number) => `${((100 * x) / busy).toFixed(1).padStart(5)} %`;
const list = (title: string, m: Map<string, number>, n = top) => {
  console.log(`\n## ${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(`${pct(v)}  ${String(v).padStart(6)}  ${k}`);
};
console.log(
  `samples in window ${total}, busy ${busy} (${((100 * busy) / Math.max(1, total)).toFixed(1)} %)`,
);
console.log("busy samples per second:", [...timeline].map(([sec, v]) => `${sec}:${v}`).join(" "));
list("self by place", files, 30);
list("self by function", self);
list("inclusive by function", incl, top * 2);
