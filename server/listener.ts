// The node's listening socket, serving HTTP/1.1 and HTTP/2 on one port:
//   - TLS (TLS_CERT_FILE + TLS_KEY_FILE): ALPN picks h2 or http/1.1 per connection;
//   - h2c (HTTP2_CLEARTEXT=1, for a TLS-terminating proxy that speaks HTTP/2 to us):
//     a connection opening with the HTTP/2 preface ("PRI * HTTP/2.0…") is HTTP/2,
//     anything else HTTP/1.1;
//   - neither: HTTP/1.1 only, as before.
// Why one outer server handing each connection to an inner HTTP/1.1 or HTTP/2 server
// (instead of http2's allowHTTP1): shutdown needs both kinds' connections, to close
// the idle ones and cut the rest (http2's fallback hides its HTTP/1.1 sockets), and
// allowHTTP1 exists for TLS only. Why HTTP/2 at all: a browser opens at most 6
// HTTP/1.1 connections per origin, and every tab's stream holds one.
import fs from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import tls from "node:tls";
import type { HttpConfig } from "./config";

export type Handler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

export interface Listener {
  /** The listening server (net.Server or tls.Server). */
  outer: net.Server;
  /** Gets HTTP/1.1 connections (register "upgrade" here). */
  h1: http.Server;
  scheme: "http" | "https";
  /** What it speaks, for the log: e.g. ["h2", "http/1.1"]. */
  protocols: string[];
  /** Stops accepting; idle HTTP/1.1 connections close; HTTP/2 sessions get GOAWAY. */
  closeIdle(): void;
  /** Cuts every connection. */
  closeAll(): void;
}

/**
 * Nagle off on every accepted socket. http.createServer does this for the sockets IT
 * accepts (its noDelay option defaults to true); the outer server here accepts them, and
 * net/tls servers default to Nagle on. With it on, a response written in two ticks (Connect
 * writes a unary answer's headers and body, then ends it a tick later) held its last bytes
 * until the client's delayed ACK: ~40 ms on every unary call, measured (bench/README.md,
 * session 10).
 */
const ACCEPT = { noDelay: true } as const;

/** The HTTP/2 connection preface starts "PRI"; no HTTP/1.1 method starts "PR". */
const H2_PREFACE = Buffer.from("PR");

/**
 * `h2: false` offers HTTP/1.1 only, TLS included: Next's request handler fails on
 * Node's HTTP/2 compatibility response (`this._implicitHeader is not a function`), so
 * `npm start` (app + node on one port) stays on HTTP/1.1 until that is solved.
 */
export function createListener(
  config: HttpConfig,
  handler: Handler,
  opts: { h2: boolean } = { h2: true },
): Listener {
  const h1 = http.createServer(handler as http.RequestListener);
  const h2 = http2.createServer({ settings: { maxConcurrentStreams: 1000 } }, handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (s) => {
    sessions.add(s);
    s.once("close", () => sessions.delete(s));
  });
  // Streams are long-lived: no idle timeout on sessions (keepalives flow on them).
  h2.setTimeout(0);
  // Connections that have carried no request yet: a browser opens spare ones ahead
  // (preconnect) and may send nothing on them for a long while. Neither HTTP server counts
  // such a socket as idle, so it held a shutdown for the whole grace period: closeIdle
  // closes them too.
  const accepted = new Set<net.Socket>();
  const used = new WeakSet<net.Socket>();
  const accept = (socket: net.Socket) => {
    accepted.add(socket);
    socket.once("close", () => accepted.delete(socket));
  };
  h1.on("request", (req: http.IncomingMessage) => used.add(req.socket));
  // An HTTP/2 connection is its session's, which closeIdle closes gracefully (session.socket
  // is a proxy, not this socket: marked when handed over).
  const toH2 = (socket: net.Socket) => {
    used.add(socket);
    h2.emit("connection", socket);
  };

  let outer: net.Server;
  let protocols: string[];
  if (config.tls) {
    protocols = opts.h2 ? ["h2", "http/1.1"] : ["http/1.1"];
    outer = tls.createServer(
      {
        ...ACCEPT,
        cert: fs.readFileSync(config.tls.certFile),
        key: fs.readFileSync(config.tls.keyFile),
        ALPNProtocols: protocols,
      },
      (socket) => {
        accept(socket);
        if (socket.alpnProtocol === "h2") toH2(socket);
        else h1.emit("connection", socket);
      },
    );
  } else if (config.h2c && opts.h2) {
    protocols = ["h2c", "http/1.1"];
    outer = net.createServer(ACCEPT, (socket) => {
      accept(socket);
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        if (head.length < H2_PREFACE.length) return;
        socket.off("data", onData);
        socket.pause();
        socket.unshift(head); // the chosen server reads these bytes again
        if (head.subarray(0, H2_PREFACE.length).equals(H2_PREFACE)) {
          toH2(socket);
        } else {
          h1.emit("connection", socket);
          socket.resume();
        }
      };
      socket.on("data", onData);
      socket.once("error", () => socket.destroy());
    });
  } else {
    protocols = ["http/1.1"];
    outer = net.createServer(ACCEPT, (socket) => {
      accept(socket);
      h1.emit("connection", socket);
    });
  }
  // Node's HTTP/1.1 server tracks its connections (what closeIdleConnections() closes, and
  // the headers/request timeout checker that cuts slow-loris clients) only from its own
  // "listening" event, which a server fed sockets by hand never gets: without this an idle
  // keep-alive connection held every shutdown until the client let go or the grace ran out.
  outer.once("listening", () => h1.emit("listening"));
  return {
    outer,
    h1,
    scheme: config.tls ? "https" : "http",
    protocols,
    closeIdle() {
      h1.closeIdleConnections();
      for (const s of sessions) if (!s.closed) s.close();
      for (const socket of accepted) if (!used.has(socket)) socket.destroy();
    },
    closeAll() {
      h1.closeAllConnections();
      for (const s of sessions) s.destroy();
    },
  };
}
