// `npm run bench`: prints a JSON line per measurement; copy the table into README.md.
import { benchMlsDm } from "./mls-dm";
import { benchMlsGroup } from "./mls-group";
import { benchNodeRoundTrip } from "./node-round-trip";

const results = [
  ...(await benchMlsDm()),
  ...(await benchMlsGroup()), // OpenMLS side by side: npx tsx bench/mls-group.ts
  ...(await benchNodeRoundTrip()),
];
console.log("| what | n | p50 | p95 | p99 |\n|---|---|---|---|---|");
for (const r of results)
  console.log(
    `| ${r.name} | ${r.n} | ${r.p50} ${r.unit} | ${r.p95} ${r.unit} | ${r.p99} ${r.unit} |`,
  );
process.exit(0);
