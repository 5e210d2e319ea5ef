// `npm start`: build the app if its sources changed, then serve the app and the
// message node on one port (PORT, default 3000; data in DATA_DIR, default ./.data).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildIfNeeded } from "./build-if-needed.mjs";
import { requireNode24 } from "./node-version.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
requireNode24();
buildIfNeeded(root);

const child = spawn(join(root, "node_modules", ".bin", "tsx"), ["server/main.ts"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
