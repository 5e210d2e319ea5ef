// `npm start` / `npm run dev`: the web app (Next) and the message node's API on
// one port. /xmtp.* and /messenger.* go to Connect, /healthz answers "ok",
// everything else goes to Next.
import next from "next";
import { REPO_ROOT } from "./app";
import { fail, serve } from "./serve";

async function main(): Promise<void> {
  const dev = process.argv.includes("--dev");
  const app = next({ dev, dir: REPO_ROOT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const upgrade = app.getUpgradeHandler();
  await serve({
    role: "app",
    fallback: (req, res) => void handle(req, res),
    onUpgrade: (req, socket, head) => void upgrade(req, socket, head),
    onClose: () => app.close(),
  });
}

main().catch(fail);
