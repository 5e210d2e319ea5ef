// HTTP for the attachment store:
//   POST /attachments          body = ciphertext → 201/200 {"digest","url","size"}
//   GET|HEAD /attachments/<sha256 hex>          → the bytes, cacheable forever
// Uploads are rate limited like the API's writes (one token per started MiB),
// downloads like its reads. The bytes are opaque: never parsed, never logged.
import type http from "node:http";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { pipeline } from "node:stream/promises";
import { ConnectError } from "@connectrpc/connect";
import { forwardedHop } from "../api/client-address";
import { REQUEST_ID_HEADER, requestIdFrom } from "../api/log-interceptor";
import { INBOX_HEADER, type RateLimiter } from "../api/rate-limit";
import { BYTES_PER_WRITE_TOKEN } from "../api/write-cost";
import { errorFields, log } from "../log";
import { checkDigest } from "./digest";
import { AttachmentError, tooLarge } from "./errors";
import type { AttachmentStore } from "./store";

export const ATTACHMENTS_PATH = "/attachments";
/** Rate-limit procedure names (UploadAttachment is a write in api/rate-limit.ts). */
export const UPLOAD_PROCEDURE = "UploadAttachment";
export const DOWNLOAD_PROCEDURE = "GetAttachment";
/** Upload cost: one write token per started MiB, the unit every write pays in. */
export const BYTES_PER_TOKEN = BYTES_PER_WRITE_TOKEN;

export function isAttachmentPath(url: string): boolean {
  const p = url.split("?", 1)[0]!;
  return p === ATTACHMENTS_PATH || p.startsWith(`${ATTACHMENTS_PATH}/`);
}

export interface AttachmentHttpOptions {
  store: AttachmentStore;
  maxBytes: number;
  limiter: RateLimiter;
  /** The client's address (the same key the API's rate limit uses). */
  peer(req: http.IncomingMessage): string;
  /** Trusted proxy hops (TRUST_PROXY): > 0 honours x-forwarded-proto / -host, the hop they wrote. */
  trustProxy: number;
  /** PUBLIC_URL: the base of every returned URL; absent = from the request's Host. */
  publicUrl?: string;
  /** True once a shutdown began: answer 503. */
  draining(): boolean;
}

// Any origin may read and upload: there are no cookies, and the bytes are ciphertext.
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD, POST, OPTIONS",
  "access-control-allow-headers": `content-type, ${INBOX_HEADER}, ${REQUEST_ID_HEADER}`,
  "access-control-expose-headers": `retry-after, ${REQUEST_ID_HEADER}, etag, location`,
  "access-control-max-age": "7200",
};

// Ciphertext must never be rendered or sniffed by a browser, and never changes.
const BLOB_HEADERS = {
  "content-type": "application/octet-stream",
  "content-disposition": "attachment",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; sandbox",
  "cross-origin-resource-policy": "cross-origin",
  "cache-control": "public, max-age=31536000, immutable",
};

class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function first(v: string | string[] | undefined): string | undefined {
  return (Array.isArray(v) ? v[0] : v)?.split(",")[0]?.trim() || undefined;
}

// hostname[:port] or [ipv6][:port]: nothing else goes into a URL we hand out.
const HOST_RE =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** The base URL peers should fetch from: PUBLIC_URL, else what this request was sent to. */
function baseUrl(req: http.IncomingMessage, opts: AttachmentHttpOptions): string {
  if (opts.publicUrl) return opts.publicUrl;
  const fwdHost = forwardedHop(req.headers["x-forwarded-host"], opts.trustProxy);
  const host = fwdHost ?? req.headers.host;
  if (!host || !HOST_RE.test(host)) {
    throw new HttpRefusal(
      400,
      "invalid_argument",
      `cannot build the attachment URL from the Host header ${JSON.stringify(host ?? "")}; ` +
        "the operator can set PUBLIC_URL",
    );
  }
  const fwdProto = forwardedHop(req.headers["x-forwarded-proto"], opts.trustProxy);
  const proto =
    fwdProto === "https" || fwdProto === "http"
      ? fwdProto
      : (req.socket as TLSSocket).encrypted
        ? "https"
        : "http";
  return `${proto}://${host.toLowerCase()}`;
}

async function charge(
  req: http.IncomingMessage,
  opts: AttachmentHttpOptions,
  procedure: string,
  cost: number,
): Promise<void> {
  try {
    await opts.limiter.check({
      procedure,
      peer: opts.peer(req),
      inbox: first(req.headers[INBOX_HEADER]),
      streaming: false,
      cost,
    });
  } catch (err) {
    if (!(err instanceof ConnectError)) throw err;
    const retryAfter = err.metadata.get("retry-after");
    throw new HttpRefusal(
      429,
      "resource_exhausted",
      err.rawMessage,
      retryAfter ? { "retry-after": retryAfter } : {},
    );
  }
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/**
 * A refused upload's remaining body is read and dropped, so the sender gets to read
 * the answer: closing a socket with unread bytes makes TCP reset it, and the client
 * then sees a network error instead of the 413 / 429. Past DRAIN_BYTES (and no
 * sooner than DRAIN_MIN_MS, time for the answer to arrive) or after DRAIN_MAX_MS
 * the connection is cut.
 */
const DRAIN_BYTES = 64 * 1024 * 1024;
const DRAIN_MIN_MS = 2_000;
const DRAIN_MAX_MS = 30_000;

function drain(req: http.IncomingMessage, socket: Duplex | null): void {
  const started = Date.now();
  let dropped = 0;
  const cut = () => socket?.destroy();
  const timer = setTimeout(cut, DRAIN_MAX_MS).unref();
  req.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_BYTES && Date.now() - started > DRAIN_MIN_MS) cut();
  });
  req.once("close", () => clearTimeout(timer));
  req.resume();
}

/** Answers a refusal; an upload body still arriving is drained, then the socket reused or cut. */
function refuse(req: http.IncomingMessage, res: http.ServerResponse, r: HttpRefusal): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, r.status, { code: r.code, message: r.message }, r.headers);
  if (req.method === "POST" && !req.complete) {
    const socket = req.socket; // captured now: Node may detach it from req later
    res.once("finish", () => drain(req, socket));
  }
}

const CLIENT_GONE = new Set(["ECONNRESET", "ECONNABORTED", "EPIPE", "ERR_STREAM_PREMATURE_CLOSE"]);

function clientGone(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException;
  return CLIENT_GONE.has(e?.code ?? "") || e?.message === "aborted";
}

export function createAttachmentHandler(
  opts: AttachmentHttpOptions,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  async function upload(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    requestId: string,
  ): Promise<void> {
    const type = req.headers["content-type"]?.split(";", 1)[0]!.trim().toLowerCase();
    if (type && type !== "application/octet-stream") {
      throw new HttpRefusal(
        415,
        "invalid_argument",
        `attachment body must be application/octet-stream (the raw ciphertext), got ${JSON.stringify(type)}`,
      );
    }
    const declared = req.headers["content-length"];
    const length = declared === undefined ? undefined : Number(declared);
    if (length !== undefined && length > opts.maxBytes) {
      throw new HttpRefusal(413, "resource_exhausted", tooLarge(opts.maxBytes, length).message);
    }
    if (length === 0)
      throw new HttpRefusal(400, "invalid_argument", "attachment is empty (0 bytes)");
    const base = baseUrl(req, opts);
    // Without a declared length the upload pays for the largest blob it could be.
    const cost = Math.ceil((length ?? opts.maxBytes) / BYTES_PER_TOKEN);
    await charge(req, opts, UPLOAD_PROCEDURE, cost);
    const started = Date.now();
    // Not destroyed when the store stops reading (too large): the refusal still has to reach the sender.
    const stored = await opts.store.put(req.iterator({ destroyOnReturn: false }), opts.maxBytes);
    const url = `${base}${ATTACHMENTS_PATH}/${stored.digest}`;
    log.info("attachment stored", {
      requestId,
      digest: stored.digest,
      size: stored.size,
      created: stored.created,
      store: opts.store.kind,
      ms: Date.now() - started,
    });
    sendJson(
      res,
      stored.created ? 201 : 200,
      { digest: stored.digest, url, size: stored.size },
      { location: url },
    );
  }

  async function download(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    id: string,
  ): Promise<void> {
    let digest: string;
    try {
      digest = checkDigest(id);
    } catch (err) {
      throw new HttpRefusal(400, "invalid_argument", (err as Error).message);
    }
    await charge(req, opts, DOWNLOAD_PROCEDURE, 1);
    const etag = `"${digest}"`;
    const inm = req.headers["if-none-match"];
    if (inm && (inm.trim() === "*" || inm.split(",").some((t) => t.trim() === etag))) {
      res.writeHead(304, { etag, ...BLOB_HEADERS }).end();
      return;
    }
    const notFound = () =>
      new HttpRefusal(404, "not_found", `no attachment ${digest} on this node`);
    if (req.method === "HEAD") {
      const st = await opts.store.stat(digest);
      if (!st) throw notFound();
      res.writeHead(200, { ...BLOB_HEADERS, etag, "content-length": String(st.size) }).end();
      return;
    }
    const blob = await opts.store.get(digest);
    if (!blob) throw notFound();
    res.writeHead(200, { ...BLOB_HEADERS, etag, "content-length": String(blob.size) });
    await pipeline(blob.body, res);
  }

  return (req, res) => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const path = (req.url ?? "/").split("?", 1)[0]!;
    const id = path === ATTACHMENTS_PATH ? undefined : path.slice(ATTACHMENTS_PATH.length + 1);
    const allow = id === undefined ? "POST, OPTIONS" : "GET, HEAD, OPTIONS";

    const run = async (): Promise<void> => {
      if (req.method === "OPTIONS") {
        res.writeHead(204).end();
        return;
      }
      if (!allow.split(", ").includes(req.method ?? "")) {
        throw new HttpRefusal(
          405,
          "unimplemented",
          `${req.method} is not allowed on ${id === undefined ? ATTACHMENTS_PATH : `${ATTACHMENTS_PATH}/<digest>`}; use ${allow}`,
          { allow },
        );
      }
      if (opts.draining()) {
        throw new HttpRefusal(
          503,
          "unavailable",
          "the node is shutting down; retry on another node",
        );
      }
      if (id === undefined) await upload(req, res, requestId);
      else await download(req, res, id);
    };

    run().catch((err: unknown) => {
      if (err instanceof HttpRefusal) return refuse(req, res, err);
      if (err instanceof AttachmentError) {
        const status = err.code === "too_large" ? 413 : 400;
        const code = err.code === "too_large" ? "resource_exhausted" : "invalid_argument";
        return refuse(req, res, new HttpRefusal(status, code, err.message));
      }
      // The client went away mid-transfer: nobody to answer, nothing was kept.
      if (clientGone(err)) return;
      log.error("attachment request failed", {
        requestId,
        method: req.method,
        ...errorFields(err),
      });
      refuse(
        req,
        res,
        new HttpRefusal(500, "internal", "the attachment store failed; retry later"),
      );
    });
  };
}
