import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sourceHash } from "./source-hash.mjs";

/** Runs `next build` unless .next holds a build of exactly these sources. */
export function buildIfNeeded(root) {
  const stamp = join(root, ".next", "source-hash");
  const hash = sourceHash(root);
  if (
    existsSync(join(root, ".next", "BUILD_ID")) &&
    existsSync(stamp) &&
    readFileSync(stamp, "utf8") === hash
  ) {
    return;
  }
  console.log("Building the app (next build)…");
  const res = spawnSync(join(root, "node_modules", ".bin", "next"), ["build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (res.status !== 0) process.exit(res.status ?? 1);
  writeFileSync(stamp, hash);
}
