// What each bench file does when run by itself (`npx tsx bench/<name>.ts`) rather than
// imported by `npm run bench` (run.ts).
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** True when `moduleUrl` is the script node/tsx was asked to run, whatever path spelled it. */
export function runsAlone(moduleUrl: string): boolean {
  const script = process.argv[1];
  return !!script && fileURLToPath(moduleUrl) === path.resolve(script);
}

/** When and under what load the figures were taken: they mean little without it. */
export function runHeader(): string {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  return `${new Date().toISOString()}, ${os.cpus().length} cores, load average ${load}`;
}

/** summary() rows as a Markdown table. */
export function rowsTable(
  rows: { name: string; n: number; p50: number; p95: number; p99: number; unit: string }[],
): string {
  return [
    "| what | n | p50 | p95 | p99 |",
    "|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.n} | ${r.p50} ${r.unit} | ${r.p95} ${r.unit} | ${r.p99} ${r.unit} |`,
    ),
  ].join("\n");
}
