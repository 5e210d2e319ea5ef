// Builds the node: store + bus + stream engine + Connect routes + HTTP handling.
// Both entry points (node-main.ts, main.ts) use it.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cors, createContextValues, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { IdentityApi } from "../lib/proto/identity/api/v1/identity_pb";
import { NodeApi } from "../lib/proto/messenger/node/v1/node_pb";
import { MlsApi } from "../lib/proto/mls/api/v1/mls_pb";
import { identityService } from "./api/identity-service";
import { IdentityStates } from "./api/identity-states";
import { LIMITS } from "./api/limits";
import { logInterceptor } from "./api/log-interceptor";
import { mlsService } from "./api/mls-service";
import { nodeService } from "./api/node-service";
import { noRateLimit, peerKey, rateLimitInterceptor, type RateLimiter } from "./api/rate-limit";
import type { NodeConfig } from "./config";
import { errorFields, log } from "./log";
import { openStore, type Store } from "./store";
import { StreamEngine } from "./stream/engine";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function readVersion(): string {
  try {
    return String(
      JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version ?? "0.0.0",
    );
  } catch {
    return "0.0.0";
  }
}

/** Paths the API owns; everything else goes to the web app (main.ts) or 404 (node-main.ts). */
export function isApiPath(url: string): boolean {
  return url.startsWith("/xmtp.") || url.startsWith("/messenger.");
}

export interface MessageNode {
  store: Store;
  engine: StreamEngine;
  /** Handles /healthz, CORS preflight and the Connect paths; calls `fallback` for the rest. */
  handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    fallback?: http.RequestListener,
  ): void;
  /** Ends open streams, then closes the store. */
  close(): Promise<void>;
}

const CORS_HEADERS = {
  "access-control-allow-methods": cors.allowedMethods.join(", "),
  "access-control-allow-headers": [...cors.allowedHeaders, "authorization"].join(", "),
  "access-control-expose-headers": cors.exposedHeaders.join(", "),
  "access-control-max-age": "7200",
};

function setCors(req: http.IncomingMessage, res: http.ServerResponse): void {
  const origin = req.headers.origin;
  if (!origin) return;
  res.setHeader("access-control-allow-origin", origin); // no cookies are used: any origin may call
  res.setHeader("vary", "origin");
  for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
}

export async function createMessageNode(
  config: NodeConfig,
  opts: { rateLimiter?: RateLimiter } = {},
): Promise<MessageNode> {
  const { store, bus } = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    databaseSchema: config.databaseSchema,
  });
  const engine = new StreamEngine(store, bus, config.keepaliveSeconds * 1000);
  const states = new IdentityStates();
  const version = readVersion();
  const routes = (router: ConnectRouter) => {
    router.service(IdentityApi, identityService(store, states));
    router.service(MlsApi, mlsService(store, states, engine));
    router.service(NodeApi, nodeService(engine, version));
  };
  const connect = connectNodeAdapter({
    routes,
    readMaxBytes: LIMITS.maxRequestBytes,
    interceptors: [logInterceptor, rateLimitInterceptor(opts.rateLimiter ?? noRateLimit)],
    contextValues: (req) =>
      createContextValues().set(peerKey, req.socket.remoteAddress ?? "unknown"),
  });

  return {
    store,
    engine,
    handle(req, res, fallback) {
      const url = req.url ?? "/";
      if (url === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
        return;
      }
      if (isApiPath(url)) {
        setCors(req, res);
        if (req.method === "OPTIONS") {
          res.writeHead(204).end();
          return;
        }
        connect(req, res);
        return;
      }
      if (fallback) {
        fallback(req, res);
        return;
      }
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    },
    async close() {
      engine.close();
      try {
        await store.close();
      } catch (err) {
        log.warn("store close failed", errorFields(err));
      }
    },
  };
}
