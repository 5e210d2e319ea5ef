// `npm start` / `npm run dev`: the web app (Next) and the message node's API on
// one port. /xmtp.* and /messenger.* go to Connect, /healthz answers "ok",
// everything else goes to Next, with the security headers of web/security-headers.ts.
import path from "node:path";
import next from "next";
import { parseNetworks } from "../lib/api/networks";
import { parseChainRpcUrls } from "../lib/identity/scw/rpc-urls";
import { REPO_ROOT } from "./app";
import { log } from "./log";
import { fail, serve } from "./serve";
import {
  buildInlineScriptHashes,
  avatarImageSources,
  contentSecurityPolicy,
  originOf,
  securityHeaders,
} from "./web/security-headers";

/** The CSP for this build (production), or undefined under `next dev`. */
function policyFor(dev: boolean): string | undefined {
  if (dev) return undefined;
  const scriptHashes = buildInlineScriptHashes(path.join(REPO_ROOT, ".next"));
  if (scriptHashes.length === 0)
    log.warn("no prerendered pages found: the CSP allows no inline script");
  // The node the app talks to (NEXT_PUBLIC_NODE_URL, the same value the build inlined),
  // plus CSP_CONNECT_SRC: other origins users may pick in Settings or fetch attachments from.
  // And the named networks of Settings (NEXT_PUBLIC_NETWORKS; a bad entry stops the start).
  const rpcUrls = parseChainRpcUrls(
    process.env.NEXT_PUBLIC_CHAIN_RPC_URLS,
    "NEXT_PUBLIC_CHAIN_RPC_URLS",
  );
  const imageSources = avatarImageSources({
    rpcChainIds: [...rpcUrls.keys()],
    ensChainId: process.env.NEXT_PUBLIC_ENS_CHAIN_ID,
    basenamesChainId: process.env.NEXT_PUBLIC_BASENAMES_CHAIN_ID,
    ipfsGateway: process.env.NEXT_PUBLIC_IPFS_GATEWAY,
  });
  const connectOrigins = [
    originOf(process.env.NEXT_PUBLIC_NODE_URL),
    ...parseNetworks(process.env.NEXT_PUBLIC_NETWORKS).map((n) => originOf(n.url)),
    // The chains the browser checks smart-contract wallet signatures on (a bad entry stops the start).
    ...[...rpcUrls.values()].map(originOf),
    ...(process.env.CSP_CONNECT_SRC ?? "").split(/\s+/).map(originOf),
  ].filter((o): o is string => o !== undefined);
  log.info("content security policy", {
    inlineScripts: scriptHashes.length,
    connectOrigins: connectOrigins.join(" "),
    imageSources: imageSources.join(" "),
  });
  return contentSecurityPolicy({
    scriptHashes,
    connectOrigins: [...new Set(connectOrigins)],
    imageSources,
  });
}

async function main(): Promise<void> {
  const dev = process.argv.includes("--dev");
  const app = next({ dev, dir: REPO_ROOT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const upgrade = app.getUpgradeHandler();
  const headers = Object.entries(securityHeaders(policyFor(dev)));
  await serve({
    role: "app",
    fallback: (req, res) => {
      for (const [name, value] of headers) res.setHeader(name, value);
      void handle(req, res);
    },
    onUpgrade: (req, socket, head) => void upgrade(req, socket, head),
    onClose: () => app.close(),
  });
}

main().catch(fail);
