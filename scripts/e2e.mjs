// `npm run test:e2e [-- playwright args]`: the browser suite alone — Chromium installed if
// missing, the app built if its sources changed, then Playwright (e.g. `-- e2e/search.spec.ts`).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildIfNeeded } from "./build-if-needed.mjs";
import { ensureChromium } from "./ensure-chromium.mjs";
import { requireNode24 } from "./node-version.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
requireNode24();
ensureChromium();
buildIfNeeded(root);
const res = spawnSync(
  join(root, "node_modules", ".bin", "playwright"),
  ["test", "--config", "e2e/playwright.config.ts", ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } },
);
process.exit(res.status ?? 1);
