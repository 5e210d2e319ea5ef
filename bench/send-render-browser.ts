// `npx tsx bench/send-render-browser.ts`: the browser send -> render benchmark
// (bench/browser/send-render.pw.ts) through Playwright, on the built app (`npx next build`
// first). BENCH_SEND_RENDER_ROUNDS sets the number of messages (default 40).
import { spawnSync } from "node:child_process";

const res = spawnSync(
  "npx",
  ["playwright", "test", "-c", "bench/browser/playwright.config.ts", "send-render"],
  { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } },
);
process.exit(res.status ?? 1);
