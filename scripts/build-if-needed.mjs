import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sourceHash } from "./source-hash.mjs";

/** Runs `next build` unless .next holds a build of exactly these sources. */
export function buildIfNeeded(root) {
  // The service worker's push bundle (public/sw-push.js) first: it is built from lib/, and
  // the hash below covers public/. Same sources, same bytes, so the hash stays stable.
  const worker = spawnSync(process.execPath, [join(root, "scripts", "build-push-worker.mjs")], {
    cwd: root,
    stdio: "inherit",
  });
  if (worker.status !== 0) process.exit(worker.status ?? 1);
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
