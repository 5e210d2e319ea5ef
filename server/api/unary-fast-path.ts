// A lean path for the calls a busy node serves most, the sends (SendGroupMessages,
// SendWelcomeMessages), when they come as Connect unary with a binary body: our app's
// and the benches' form. Why: through Connect's router one such call cost the node
// ~1.3 ms of CPU, the body parsed twice (once by the adapter's check, once by Connect),
// web Headers built from the node's headers, an async-generator pipeline per body and
// per response, and a per-call AbortController whose abort() at the end builds a
// DOMException (with its stack) on every call. Here: the body read once, parsed once,
// the same gate, size charge, handler and log line, and one write of the answer.
// Every other form (JSON, compressed, a deadline header, gRPC, gRPC-web, GET) goes
// through Connect as before; so does any method not listed.
// The answers are Connect's own: 200 with the binary message, or the JSON error body
// with Connect's HTTP status for its code (built by Connect's exported helpers), with
// the error's metadata (retry-after) as headers. server/test/unary-fast-path.test.ts
// compares them byte for byte with Connect's.
import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type DescMethodUnary,
  type MessageInitShape,
  type MessageShape,
} from "@bufbuild/protobuf";
import { Code, ConnectError, type ContextValues, type HandlerContext } from "@connectrpc/connect";
import { codeToHttpStatus, errorToJsonBytes } from "@connectrpc/connect/protocol-connect";
import type http from "node:http";
import { logCall, requestIdKey } from "./log-interceptor";
import {
  admitCall,
  INBOX_HEADER,
  isWrite,
  peerKey,
  writeChargeKey,
  type RateLimiter,
} from "./rate-limit";
import { chargeWriteSize } from "./write-cost";

/** One method served here: its descriptor and the service's own implementation of it. */
export interface FastUnaryRoute {
  method: DescMethodUnary;
  impl: (
    req: MessageShape<DescMessage>,
    ctx: HandlerContext,
  ) => Promise<MessageInitShape<DescMessage>> | MessageInitShape<DescMessage>;
}

/** Typed helper: the route for `method` with its implementation from a ServiceImpl. */
export function fastRoute<I extends DescMessage, O extends DescMessage>(
  method: DescMethodUnary<I, O>,
  impl: (
    req: MessageShape<I>,
    ctx: HandlerContext,
  ) => Promise<MessageInitShape<O>> | MessageInitShape<O>,
): FastUnaryRoute {
  return { method, impl } as unknown as FastUnaryRoute;
}

export interface FastUnaryOptions {
  routes: FastUnaryRoute[];
  limiter: RateLimiter;
  readMaxBytes: number;
}

/** Returns whether it took the request (else the caller hands it to Connect). */
export interface FastUnary {
  (req: http.IncomingMessage, res: http.ServerResponse, values: ContextValues): boolean;
  /** Requests taken so far (tests check the path is used). */
  readonly taken: number;
}

/** A signal that never fires: the sends do not watch it (the store write is not cancelled). */
const NEVER = new AbortController().signal;

/** The adapter's refusal of a body that grows past the limit (no length declared). */
const tooBig = (max: number) =>
  new ConnectError(`request body exceeds ${max} bytes`, Code.ResourceExhausted);

/** Connect's own protocol headers: an error's metadata never overrides them. */
const PROTOCOL_HEADER = /^(content-|connect-|grpc-|accept-encoding$|te$|trailer$|date$)/i;

export function unaryFastPath(opts: FastUnaryOptions): FastUnary {
  const byPath = new Map(
    opts.routes.map((r) => [`/${r.method.parent.typeName}/${r.method.name}`, r]),
  );
  let taken = 0;
  const take = (req: http.IncomingMessage, res: http.ServerResponse, values: ContextValues) => {
    if (req.method !== "POST") return false;
    const route = byPath.get(req.url ?? "");
    if (!route) return false;
    const h = req.headers;
    const type = (h["content-type"] ?? "").split(";", 1)[0]!.trim().toLowerCase();
    if (type !== "application/proto") return false;
    const encoding = h["content-encoding"];
    if (encoding !== undefined && encoding !== "identity") return false;
    if (h["connect-timeout-ms"] !== undefined) return false;
    taken++;
    void serve(opts, route, req, res, values);
    return true;
  };
  return Object.defineProperty(take, "taken", { get: () => taken }) as FastUnary;
}

async function serve(
  opts: FastUnaryOptions,
  route: FastUnaryRoute,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  values: ContextValues,
): Promise<void> {
  const { method } = route;
  const procedure = `${method.parent.typeName}/${method.name}`;
  const inboxHeader = req.headers[INBOX_HEADER];
  const inbox = Array.isArray(inboxHeader) ? inboxHeader.join(", ") : inboxHeader;
  let out: Uint8Array;
  let ctx: FastContext | undefined;
  try {
    try {
      // As Connect: the gate before the body is read, so a refused caller costs no parsing.
      await admitCall(
        opts.limiter,
        { procedure: method.name, peer: values.get(peerKey), inbox, streaming: false },
        values,
      );
      const body = await readBody(req, opts.readMaxBytes);
      let input: MessageShape<DescMessage>;
      try {
        input = fromBinary(method.input, body);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new ConnectError(
          `request body is not a valid ${method.input.typeName}: ${why}`,
          Code.InvalidArgument,
        );
      }
      ctx = new FastContext(method, req, values);
      out = await intercepted(opts, route, input, ctx, body.length, inbox, procedure, res);
    } finally {
      values.get(writeChargeKey)?.settle();
    }
  } catch (reason) {
    if (res.destroyed || req.socket.destroyed) return; // the caller went away
    // As Connect: anything but a ConnectError is an internal error, its text not shown.
    writeError(
      res,
      reason instanceof ConnectError
        ? reason
        : new ConnectError("internal error", Code.Internal, undefined, undefined, reason),
    );
    return;
  }
  if (res.destroyed) return;
  const headers: Record<string, string> = {
    "content-length": String(out.length),
    "content-type": "application/proto",
  };
  ctx.addResponseHeaders(headers);
  res.writeHead(200, headers).end(out);
}

/** The interceptors' work (log-interceptor.ts around write-cost.ts), then the handler. */
async function intercepted(
  opts: FastUnaryOptions,
  route: FastUnaryRoute,
  input: MessageShape<DescMessage>,
  ctx: FastContext,
  bytes: number,
  inbox: string | undefined,
  procedure: string,
  res: http.ServerResponse,
): Promise<Uint8Array> {
  const started = Date.now();
  const requestId = ctx.values.get(requestIdKey) || undefined;
  try {
    if (isWrite(route.method.name)) {
      await chargeWriteSize(opts.limiter, {
        procedure: route.method.name,
        bytes,
        values: ctx.values,
        inbox,
      });
    }
    const output = await route.impl(input, ctx);
    const encoded = toBinary(route.method.output, create(route.method.output, output));
    logCall(procedure, started, requestId);
    return encoded;
  } catch (err) {
    logCall(procedure, started, requestId, {
      err,
      peer: ctx.values.get(peerKey),
      aborted: res.destroyed,
    });
    throw err;
  }
}

/** The whole body, at most `max` bytes, read with plain stream events. */
function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  // As Connect (readAllBytes): a declared length over the limit is refused before reading.
  const declared = parseInt(req.headers["content-length"] ?? "", 10);
  if (Number.isSafeInteger(declared) && declared > max) {
    return Promise.reject(
      new ConnectError(
        `message size ${declared} is larger than configured readMaxBytes ${max}`,
        Code.ResourceExhausted,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: unknown) => {
      req.off("data", onData).off("end", onEnd).off("error", done).off("close", onClose);
      if (err === undefined) return;
      req.resume(); // let the rest drain: the answer goes out on this connection
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) return done(tooBig(max));
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onClose = () => done(new ConnectError("the request was cut off", Code.Aborted));
    req.on("data", onData).once("end", onEnd).once("error", done).once("close", onClose);
  });
}

function writeError(res: http.ServerResponse, err: ConnectError): void {
  const body = errorToJsonBytes(err, {});
  const headers: Record<string, string> = {
    "content-length": String(body.length),
    "content-type": "application/json",
  };
  if (!err.isWireError) {
    err.metadata.forEach((value, key) => {
      if (!PROTOCOL_HEADER.test(key)) headers[key] = value;
    });
  }
  res.writeHead(codeToHttpStatus(err.code), headers).end(body);
}

/**
 * The handler's context: what Connect's has, built only when asked for (web Headers cost
 * more than the rest of a send's JS). Response headers and trailers a handler sets are
 * written as Connect writes a unary call's (trailers as `trailer-` headers).
 */
class FastContext implements HandlerContext {
  readonly signal = NEVER;
  readonly requestMethod = "POST";
  readonly protocolName = "connect";
  readonly service;
  private headerIn?: Headers;
  private headerOut?: Headers;
  private trailerOut?: Headers;

  constructor(
    readonly method: DescMethodUnary,
    private readonly req: http.IncomingMessage,
    readonly values: ContextValues,
  ) {
    this.service = method.parent;
  }

  get url(): string {
    return `http://${this.req.headers.host ?? "localhost"}${this.req.url ?? "/"}`;
  }
  get requestHeader(): Headers {
    if (!this.headerIn) {
      this.headerIn = new Headers();
      for (const [k, v] of Object.entries(this.req.headers)) {
        if (v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) this.headerIn.append(k, one);
      }
    }
    return this.headerIn;
  }
  get responseHeader(): Headers {
    return (this.headerOut ??= new Headers());
  }
  get responseTrailer(): Headers {
    return (this.trailerOut ??= new Headers());
  }
  timeoutMs(): number | undefined {
    return undefined;
  }

  addResponseHeaders(into: Record<string, string>): void {
    this.headerOut?.forEach((v, k) => {
      if (!PROTOCOL_HEADER.test(k)) into[k] = v;
    });
    this.trailerOut?.forEach((v, k) => (into[`trailer-${k}`] = v));
  }
}
