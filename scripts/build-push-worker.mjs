// Bundles the library's push entry (lib/client/push/worker.ts) for the service worker:
// public/sw-push.js, a classic script that public/sw.js loads with importScripts. The
// page never loads it, so the page's first-load budgets do not change. Run by `npm run
// build` and `npm start` (scripts/build-if-needed.mjs) before `next build`.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export async function buildPushWorker(root = join(dirname(fileURLToPath(import.meta.url)), "..")) {
  await build({
    entryPoints: [join(root, "lib/client/push/worker.ts")],
    outfile: join(root, "public/sw-push.js"),
    bundle: true,
    format: "iife",
    // public/sw.js calls self.messengerPush.noticeForPush / .resubscribe.
    globalName: "messengerPush",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildPushWorker();
