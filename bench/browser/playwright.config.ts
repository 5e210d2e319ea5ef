// The browser benchmarks run on the e2e suite's set-up (built app + embedded node on
// E2E_PORT, Debian Chromium): only the folder and file pattern differ, so `npm run test:e2e`
// never picks them up.
import { defineConfig } from "@playwright/test";
import e2e from "../../e2e/playwright.config";

export default defineConfig({
  ...e2e,
  testDir: ".",
  testMatch: /.*\.pw\.ts$/,
  outputDir: "../../test-results/bench",
  timeout: 600_000,
  webServer: e2e.webServer && { ...e2e.webServer, cwd: "../.." },
});
