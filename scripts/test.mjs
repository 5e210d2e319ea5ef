// `npm test`: every test — typecheck, lint, unit + integration (real node
// processes), then the browser suite in Debian Chromium against the real app.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildIfNeeded } from "./build-if-needed.mjs";
import { ensureChromium } from "./ensure-chromium.mjs";
import { requireNode24 } from "./node-version.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
requireNode24();
const bin = (name) => join(root, "node_modules", ".bin", name);
const env = { ...process.env, NO_COLOR: "1", NEXT_TELEMETRY_DISABLED: "1" };

function step(title, cmd, args, stepEnv = env) {
  console.log(`\n=== ${title} ===`);
  const res = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: stepEnv });
  if (res.status !== 0) {
    console.error(`\n${title} failed.`);
    process.exit(res.status ?? 1);
  }
}

step("typecheck", bin("tsc"), ["--noEmit"]);
step("lint", bin("eslint"), ["."]);
// Before vitest: test/integration/crash-safe-commits.test.ts kills a real Chromium.
ensureChromium();
step("unit and integration tests", bin("vitest"), ["run"]);
buildIfNeeded(root);
// Bytes, not time: the landing and signed-in pages stay within their first-load JS budgets.
step("first-load JS budgets", bin("tsx"), ["bench/first-load-js.ts"]);
// Playwright sets FORCE_COLOR for its workers; NO_COLOR beside it only prints warnings.
const { NO_COLOR: _noColor, ...browserEnv } = env;
step(
  "browser tests",
  bin("playwright"),
  ["test", "--config", "e2e/playwright.config.ts"],
  browserEnv,
);
