// `npm run bench`: every benchmark here, one Markdown table with each figure beside its anchor
// (XMTP/OpenMLS as recorded in issue 13) and goal. Copy it into README.md with the date and the
// load average it prints. BENCH_GROUP_SIZES (default 10,100,250; add 1000 for the large group)
// picks the end-to-end group sizes; OpenMLS side by side: npx tsx bench/mls-group.ts. With the
// app built, the browser rows too (send -> render, cold reload of 10,000 messages).
import { loadavg } from "node:os";
import { benchGroups } from "./groups";
import { ANCHORS, benchMlsGroup } from "./mls-group";
import { benchMlsDm } from "./mls-dm";
import { benchNodeRoundTrip } from "./node-round-trip";
import { browserBenchRows } from "./browser/run-spec";

interface Row {
  name: string;
  n: number;
  p50: number | string;
  p95: number | string;
  p99: number | string;
  unit: string;
}

/** Anchor and goal of a row, from issue 13's table (matched on the row's name). */
function targets(name: string): { anchor: string; goal: string } {
  const at = (n: number) => name.startsWith(`group of ${n}:`);
  if (/MLS add 1 at N=500, receiver/.test(name))
    return {
      anchor: `OpenMLS ${ANCHORS.addReceiver.openmls} ms`,
      goal: `≤ ${ANCHORS.addReceiver.goal} ms`,
    };
  if (/MLS add 1 at N=500, committer/.test(name))
    return {
      anchor: `OpenMLS ${ANCHORS.addCommitter.openmls} ms`,
      goal: `≤ ${ANCHORS.addCommitter.goal} ms`,
    };
  if (/MLS remove 1 at N=500, receiver/.test(name))
    return {
      anchor: `OpenMLS ${ANCHORS.removeReceiver.openmls} ms`,
      goal: `≤ ${ANCHORS.removeReceiver.goal} ms`,
    };
  if (at(250) && name.includes("create")) return { anchor: "XMTP ~6 s", goal: "≤ 3 s" };
  if (at(250) && name.includes("add 1")) return { anchor: "XMTP ~750 ms", goal: "p95 ≤ 300 ms" };
  if (at(250) && name.includes("remove 1")) return { anchor: "—", goal: "p95 ≤ 300 ms" };
  if (at(250) && name.includes("send (")) return { anchor: "—", goal: "≤ 15 ms" };
  if (at(1000) && !name.includes("create")) return { anchor: "XMTP max 250", goal: "< 1 s" };
  if (name.includes("bubble rendered in the peer's tab"))
    return { anchor: '"real time" ~100 ms', goal: "p50 ≤ 50, p95 ≤ 100 ms" };
  if (name.includes("newest message on screen")) return { anchor: "—", goal: "≤ 400 ms" };
  return { anchor: "—", goal: "—" };
}

const sizes = (process.env.BENCH_GROUP_SIZES ?? "10,100,250")
  .split(",")
  .map(Number)
  .filter((n) => n > 0);
const results: Row[] = [
  ...(await benchMlsDm()),
  ...(await benchMlsGroup()),
  ...(await benchNodeRoundTrip()),
  ...(await benchGroups(sizes)),
];
// The browser rows need the built app (`npx next build`); without it they are left out.
const browser = ["send-render", "cold-reload"].map((name) => browserBenchRows(name));
for (const rows of browser) results.push(...(rows ?? []));
console.log("| what | n | p50 | p95 | p99 | anchor | goal |\n|---|---|---|---|---|---|---|");
for (const r of results) {
  const { anchor, goal } = targets(r.name);
  console.log(
    `| ${r.name} | ${r.n} | ${r.p50} ${r.unit} | ${r.p95} ${r.unit} | ${r.p99} ${r.unit} | ${anchor} | ${goal} |`,
  );
}
if (browser.includes(undefined))
  console.log("\nBrowser rows left out: build the app first (`npx next build`).");
console.log(
  `\n${new Date().toISOString()}, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" / ")} (1 / 5 / 15 min) on ${(await import("node:os")).cpus().length} cores`,
);
process.exit(0);
