// Runs a MessageNode on one port (HTTP/1.1, and HTTP/2 with TLS or h2c: listener.ts):
// listen, log the URL, shut down gracefully on SIGTERM / SIGINT (stop accepting, end
// streams, finish requests, close store).
import type http from "node:http";
import type { AddressInfo } from "node:net";
import { createMessageNode, type MessageNode } from "./app";
import { loadConfig, type NodeConfig } from "./config";
import { createListener, type Listener } from "./listener";
import { errorFields, log } from "./log";

export interface ServeOptions {
  config?: NodeConfig;
  /** Handler for non-API paths (the Next app); 404 when absent. */
  fallback?: http.RequestListener;
  onUpgrade?: (
    req: http.IncomingMessage,
    socket: import("node:stream").Duplex,
    head: Buffer,
  ) => void;
  /** Extra cleanup after the node closed (e.g. Next's). */
  onClose?: () => Promise<void>;
  role: "node" | "app";
}

export async function serve(
  opts: ServeOptions,
): Promise<{ listener: Listener; node: MessageNode; url: string }> {
  const config = opts.config ?? loadConfig();
  const node = await createMessageNode(config);
  // HTTP/2 requests use Node's compatibility API (req/res shaped like HTTP/1.1's).
  // The web app (Next) fails on HTTP/2's compatibility response: `npm start` stays on
  // HTTP/1.1 (TLS still works); the node alone (`npm run node`) speaks HTTP/2.
  const h2 = opts.role === "node";
  if (!h2 && (config.http.h2c || config.http.tls)) {
    log.warn("HTTP/2 is off with the web app on the same port (Next fails on it): HTTP/1.1 only");
  }
  const listener = createListener(
    config.http,
    (req, res) =>
      node.handle(req as http.IncomingMessage, res as http.ServerResponse, opts.fallback),
    { h2 },
  );
  const server = listener.outer;
  if (opts.onUpgrade) listener.h1.on("upgrade", opts.onUpgrade);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${listener.scheme}://${config.host}:${port}`;
  log.info("listening", {
    url,
    protocols: listener.protocols.join(" "),
    role: opts.role,
    store: node.store.kind,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
    pid: process.pid,
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", {
      signal,
      streams: node.engine.activeStreams,
      inFlight: node.inFlight,
    });
    // Stop accepting; /readyz says 503; streams end (clients resume elsewhere from their cursors).
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    node.drain();
    // Connections go idle as their requests finish: close them as they do.
    const sweep = setInterval(() => listener.closeIdle(), 50);
    listener.closeIdle();
    // In-flight unary calls get the grace period, then every connection is cut.
    const timer = setTimeout(() => {
      log.warn("grace period over: closing connections", { inFlight: node.inFlight });
      listener.closeAll();
    }, config.shutdownGraceMs);
    await closed;
    clearInterval(sweep);
    clearTimeout(timer);
    await node.close();
    await opts.onClose?.().catch((err) => log.warn("close failed", errorFields(err)));
    log.info("stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
  return { listener, node, url };
}

export function fail(err: unknown): never {
  log.error("startup failed", errorFields(err));
  process.exit(1);
}
