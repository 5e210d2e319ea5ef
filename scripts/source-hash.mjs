// A hash of everything that goes into the Next build, so `npm start` rebuilds
// exactly when the app changed (a stale build would serve yesterday's app).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";

const INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "next.config.mjs",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
];

function walk(path, out) {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) walk(join(path, name), out);
  } else {
    out.push(path);
  }
}

export function sourceHash(root) {
  const files = [];
  for (const input of INPUTS) walk(join(root, input), files);
  const h = createHash("sha256");
  for (const f of files) {
    h.update(f.slice(root.length));
    h.update(readFileSync(f));
  }
  return h.digest("hex");
}
