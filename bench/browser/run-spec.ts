// Runs one of this folder's Playwright benches (NAME.pw.ts) on the built app (`npx next
// build` first), with the e2e suite's set-up (playwright.config.ts here).
import { spawnSync } from "node:child_process";
import fs from "node:fs";

function run(name: string, stdout: "inherit" | "pipe") {
  return spawnSync(
    "npx",
    ["playwright", "test", "-c", "bench/browser/playwright.config.ts", name],
    {
      stdio: ["ignore", stdout, "inherit"],
      encoding: "utf8",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    },
  );
}

/** `npx tsx bench/NAME-browser.ts`: the bench's own output, and its exit status. */
export function runBrowserBench(name: string): never {
  process.exit(run(name, "inherit").status ?? 1);
}

export interface BrowserRow {
  name: string;
  n: number;
  p50: number;
  p95: number;
  p99: number;
  unit: string;
}

/** For `npm run bench`: the rows a bench printed, or undefined when the app is not built. */
export function browserBenchRows(name: string): BrowserRow[] | undefined {
  if (!fs.existsSync(".next/BUILD_ID")) return undefined;
  const res = run(name, "pipe");
  process.stderr.write(res.stdout);
  const line = res.stdout.split("\n").find((l) => l.trim().startsWith('[{"name"'));
  if (res.status !== 0 || !line) throw new Error(`bench/browser/${name}.pw.ts failed`);
  return JSON.parse(line.trim()) as BrowserRow[];
}
