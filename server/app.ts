// Builds the node: store + bus + stream engine + Connect routes + HTTP handling.
// Both entry points (node-main.ts, main.ts) use it.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cors, createContextValues, type ConnectRouter } from "@connectrpc/connect";
import { IdentityApi } from "../lib/proto/identity/api/v1/identity_pb";
import { NodeApi } from "../lib/proto/messenger/node/v1/node_pb";
import { MlsApi } from "../lib/proto/mls/api/v1/mls_pb";
import { createApiHandler } from "./api/adapter";
import { clientAddress } from "./api/client-address";
import { identityService } from "./api/identity-service";
import { IdentityStates } from "./api/identity-states";
import { scwVerifierFrom } from "./chain/scw-verifier";
import { LIMITS } from "./api/limits";
import {
  logInterceptor,
  REQUEST_ID_HEADER,
  requestIdFrom,
  requestIdKey,
} from "./api/log-interceptor";
import { mlsService } from "./api/mls-service";
import { StreamGuard } from "./api/stream-guard";
import { nodeService } from "./api/node-service";
import { INBOX_HEADER, peerKey, rateLimitGate, type RateLimiter } from "./api/rate-limit";
import { openRateLimiter } from "./api/open-rate-limiter";
import {
  createAttachmentHandler,
  isAttachmentPath,
  openAttachmentStore,
  type AttachmentStore,
} from "./attachments";
import type { NodeConfig } from "./config";
import { errorFields, log } from "./log";
import { openStore, type Store } from "./store";
import { loadVapidKeys, PushDelivery, pushService, PushStore } from "./push";
import { PushApi } from "../lib/proto/messenger/push/v1/push_pb";
import { StreamEngine } from "./stream/engine";
import { startRetention } from "./store/retention";
import { writeCostInterceptor } from "./api/write-cost";
import { fastRoute, unaryFastPath } from "./api/unary-fast-path";

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
  attachments: AttachmentStore;
  engine: StreamEngine;
  /** Web Push delivery (tests wait on `push.idle()`). */
  push: PushDelivery;
  /** API requests being served now (streams included). */
  readonly inFlight: number;
  /** Sends served below Connect so far (api/unary-fast-path.ts). */
  readonly fastUnaryCalls: number;
  /**
   * Shutdown, first step: /readyz answers 503, new API requests get Unavailable,
   * open streams end. Connections are the caller's (serve.ts) to close.
   */
  drain(): void;
  /**
   * Handles /healthz, /readyz, CORS preflight, the Connect paths and /attachments;
   * calls `fallback` for the rest.
   */
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
  "access-control-allow-headers": [
    ...cors.allowedHeaders,
    "authorization",
    REQUEST_ID_HEADER,
    INBOX_HEADER,
    // XMTP's SDK (libxmtp) sends these on every call; without them its preflight fails.
    "x-app-version",
    "x-libxmtp-version",
  ].join(", "),
  "access-control-expose-headers": [...cors.exposedHeaders, REQUEST_ID_HEADER, "retry-after"].join(
    ", ",
  ),
  "access-control-max-age": "7200",
};

function setCors(req: http.IncomingMessage, res: http.ServerResponse): void {
  const origin = req.headers.origin;
  if (!origin) return;
  res.setHeader("access-control-allow-origin", origin); // no cookies are used: any origin may call
  res.setHeader("vary", "origin");
  for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
}

/** A Connect-shaped refusal written before Connect sees the request. */
function refuse(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
): void {
  // HTTP/2 has no connection header (Node throws on it); its streams need no closing.
  const close = req.httpVersionMajor < 2 ? { connection: "close" } : {};
  res
    .writeHead(status, { "content-type": "application/json", ...close })
    .end(JSON.stringify({ code, message }));
}

export async function createMessageNode(
  config: NodeConfig,
  opts: {
    rateLimiter?: RateLimiter;
    /** false: every call through Connect (the fast path's differential test). */
    fastUnary?: boolean;
  } = {},
): Promise<MessageNode> {
  const { store, bus } = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    databaseSchema: config.databaseSchema,
  });
  let attachments: AttachmentStore;
  try {
    attachments = await openAttachmentStore(config.attachments, store.driver);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  const engine = new StreamEngine(
    store,
    bus,
    config.keepaliveSeconds * 1000,
    config.streams.queryConcurrency,
  );
  const scw = scwVerifierFrom(config.chain);
  const states = new IdentityStates(scw?.verify);
  const version = readVersion();
  let limiter: RateLimiter;
  try {
    limiter = opts.rateLimiter ?? (await openRateLimiter(config.rateLimit, store.driver));
  } catch (err) {
    await attachments.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
  const guard = new StreamGuard(config.streams, limiter, config.rateLimit.ipMultiplier);
  const pushStore = new PushStore(store.driver);
  let vapid;
  try {
    vapid = await loadVapidKeys(store.driver, {
      publicKey: config.push.vapidPublicKey,
      privateKey: config.push.vapidPrivateKey,
      subject: config.push.vapidSubject,
    });
  } catch (err) {
    await Promise.resolve(limiter.close?.()).catch(() => undefined);
    await attachments.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
  const push = new PushDelivery(pushStore, vapid, config.push);
  const mls = mlsService(store, states, engine, guard, (rows) => push.onStored(rows));
  const routes = (router: ConnectRouter) => {
    router.service(IdentityApi, identityService(store, states, scw));
    router.service(MlsApi, mls);
    router.service(NodeApi, nodeService(engine, guard, version));
    router.service(
      PushApi,
      pushService({
        store,
        push: pushStore,
        states,
        config: config.push,
        vapidPublicKey: vapid.publicKey,
      }),
    );
  };
  const requestIds = new WeakMap<http.IncomingMessage, string>();
  // The sends, the calls a busy node serves most, skip Connect's machinery in their
  // binary unary form (same gate, size charge, handler, log line and answers). It runs
  // the interceptors' steps by hand: an interceptor added below must be added there too.
  const fast =
    (opts.fastUnary ?? true) &&
    unaryFastPath({
      routes: [
        fastRoute(MlsApi.method.sendGroupMessages, mls.sendGroupMessages),
        fastRoute(MlsApi.method.sendWelcomeMessages, mls.sendWelcomeMessages),
      ],
      limiter,
      readMaxBytes: LIMITS.maxRequestBytes,
    });
  const connect = createApiHandler({
    routes,
    readMaxBytes: LIMITS.maxRequestBytes,
    sendBuffer: {
      maxBufferedBytes: config.streams.sendBufferBytes,
      stallMs: config.streams.stallSeconds * 1000,
    },
    interceptors: [logInterceptor, writeCostInterceptor(limiter)],
    fastUnary: fast,
    requestGate: rateLimitGate(limiter),
    contextValues: (req) =>
      createContextValues()
        .set(peerKey, clientAddress(req as http.IncomingMessage, config.trustProxy))
        .set(requestIdKey, requestIds.get(req as http.IncomingMessage) ?? ""),
  });
  const stopRetention = startRetention(store.driver, config.retention);
  let draining = false;
  let inFlight = 0;
  const attachmentHttp = createAttachmentHandler({
    store: attachments,
    maxBytes: config.attachments.maxBytes,
    limiter,
    peer: (req) => clientAddress(req, config.trustProxy),
    trustProxy: config.trustProxy,
    publicUrl: config.publicUrl,
    draining: () => draining,
  });

  return {
    store,
    attachments,
    engine,
    push,
    get inFlight() {
      return inFlight;
    },
    get fastUnaryCalls() {
      return fast ? fast.taken : 0;
    },
    drain() {
      draining = true;
      engine.close();
    },
    handle(req, res, fallback) {
      const url = req.url ?? "/";
      const probe = req.method === "GET" || req.method === "HEAD";
      if (url === "/healthz" && probe) {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
        return;
      }
      if (url === "/readyz" && probe) {
        if (draining) {
          res.writeHead(503, { "content-type": "text/plain" }).end("shutting down");
          return;
        }
        void store.ping().then((ok) => {
          res
            .writeHead(ok ? 200 : 503, { "content-type": "text/plain" })
            .end(ok ? "ready" : "database unreachable");
        });
        return;
      }
      if (isApiPath(url)) {
        setCors(req, res);
        if (req.method === "OPTIONS") {
          res.writeHead(204).end();
          return;
        }
        const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
        res.setHeader(REQUEST_ID_HEADER, requestId);
        if (draining) {
          refuse(req, res, 503, "unavailable", "the node is shutting down; retry on another node");
          return;
        }
        requestIds.set(req, requestId);
        inFlight++;
        res.once("close", () => inFlight--);
        connect(req, res);
        return;
      }
      if (isAttachmentPath(url)) {
        inFlight++;
        res.once("close", () => inFlight--);
        attachmentHttp(req, res);
        return;
      }
      if (fallback) {
        fallback(req, res);
        return;
      }
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    },
    async close() {
      draining = true;
      stopRetention();
      engine.close();
      push.close();
      await Promise.resolve(limiter.close?.()).catch((err) =>
        log.warn("rate limiter close failed", errorFields(err)),
      );
      await attachments
        .close()
        .catch((err) => log.warn("attachments close failed", errorFields(err)));
      try {
        await store.close();
      } catch (err) {
        log.warn("store close failed", errorFields(err));
      }
    },
  };
}
