// The Connect HTTP adapter (connectNodeAdapter's job) plus a request-body check.
// Why: Connect 2.2 answers an unparsable *binary* body with Internal (HTTP 500),
// so garbage from a client would look like a server fault. Each binary request is
// parsed once here first; a bad one is refused with InvalidArgument naming the
// problem, an oversized one with ResourceExhausted (no retry-after: retrying the
// same body cannot help). JSON bodies already get InvalidArgument from Connect.
import { fromBinary, type DescMessage } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createContextKey,
  createConnectRouter,
  type ConnectRouter,
  type ConnectRouterOptions,
  type ContextValues,
} from "@connectrpc/connect";
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from "@connectrpc/connect-node";
import type http from "node:http";
import http2 from "node:http2";
import { log, errorFields } from "../log";
import type { SendBufferLimits } from "../stream/direct-writer";
import { directSinkKey } from "../stream/fast-path";
import { writeChargeKey } from "./rate-limit";
import { answerUnimplemented } from "./unimplemented";

export interface ApiHandlerOptions extends ConnectRouterOptions {
  routes: (router: ConnectRouter) => void;
  readMaxBytes: number;
  contextValues: (req: http.IncomingMessage) => ContextValues;
  /** What one stream's response may hold for a slow reader (stream/direct-writer.ts). */
  sendBuffer: SendBufferLimits;
  /** Takes the sends in Connect's binary unary form below Connect (unary-fast-path.ts). */
  fastUnary?:
    | ((req: http.IncomingMessage, res: http.ServerResponse, values: ContextValues) => boolean)
    | false;
}

const COMPRESSIONS = [compressionGzip, compressionBrotli];

/**
 * The decoded size of a binary request's message, measured while the body is checked
 * (-1 for bodies not checked here, e.g. JSON): write-cost.ts charges by it without
 * encoding the message a second time.
 */
export const requestBytesKey = createContextKey<{ bytes: number }>(
  { bytes: -1 },
  { description: "decoded request size" },
);

/** Whole-body formats (Connect unary) vs enveloped ones (Connect streaming, gRPC, gRPC-web). */
type BodyFormat = "binary" | "enveloped-binary" | "enveloped-json" | "other";

function bodyFormat(contentType: string): BodyFormat {
  const ct = contentType.split(";")[0]!.trim().toLowerCase();
  if (ct === "application/proto") return "binary";
  if (
    ct === "application/connect+proto" ||
    ct === "application/grpc" ||
    ct === "application/grpc+proto" ||
    ct === "application/grpc-web" ||
    ct === "application/grpc-web+proto"
  )
    return "enveloped-binary";
  if (ct === "application/connect+json" || ct === "application/grpc-web+json") {
    return "enveloped-json";
  }
  return "other";
}

const badFrame = (msg: string) => new ConnectError(`request framing: ${msg}`, Code.InvalidArgument);

const tooBig = (max: number) =>
  new ConnectError(`request body exceeds ${max} bytes`, Code.ResourceExhausted);

async function decompress(bytes: Uint8Array, encoding: string | null, max: number) {
  if (!encoding || encoding === "identity") return bytes;
  const c = COMPRESSIONS.find((x) => x.name === encoding);
  if (!c) return undefined; // Connect refuses unknown encodings itself
  try {
    return await c.decompress(bytes, max);
  } catch (err) {
    throw ConnectError.from(err).code === Code.ResourceExhausted
      ? tooBig(max)
      : new ConnectError(`request body: bad ${encoding} data`, Code.InvalidArgument);
  }
}

function parseOrRefuse(schema: DescMessage, bytes: Uint8Array, where: string): void {
  try {
    fromBinary(schema, bytes);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ConnectError(
      `${where} is not a valid ${schema.typeName}: ${why}`,
      Code.InvalidArgument,
    );
  }
}

/** Reads the body (≤ max), checks it parses, then hands Connect the same bytes. */
async function* checkedBody(
  body: AsyncIterable<Uint8Array>,
  schema: DescMessage,
  format: Exclude<BodyFormat, "other">,
  header: Headers,
  max: number,
  measured: { bytes: number },
): AsyncGenerator<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > max) throw tooBig(max);
    chunks.push(chunk);
  }
  const all = Buffer.concat(chunks);
  if (format === "binary") {
    const plain = await decompress(all, header.get("content-encoding"), max);
    if (plain) {
      parseOrRefuse(schema, plain, "request body");
      measured.bytes = plain.length;
    }
  } else {
    // Every RPC here takes exactly one request message: one frame, flags 0 (or 1 =
    // compressed, when an encoding was named). Connect itself would answer some broken
    // frames with Unimplemented or Internal.
    const encoding = header.get("connect-content-encoding") ?? header.get("grpc-encoding");
    if (all.length < 5)
      throw badFrame(`${all.length} bytes is shorter than one 5-byte frame header`);
    const flags = all[0]!;
    const len = all.readUInt32BE(1);
    if (5 + len !== all.length) {
      throw badFrame(
        `the frame says ${len} bytes but ${all.length - 5} follow (one message expected)`,
      );
    }
    if (flags !== 0 && !(flags === 1 && encoding && encoding !== "identity")) {
      throw badFrame(`frame flags 0x${flags.toString(16)} are not allowed on a request message`);
    }
    if (format === "enveloped-binary") {
      const payload = all.subarray(5);
      const plain = flags === 1 ? await decompress(payload, encoding, max) : payload;
      if (plain) {
        parseOrRefuse(schema, plain, "request message");
        measured.bytes = plain.length;
      }
    }
  }
  yield all;
}

export function createApiHandler(options: ApiHandlerOptions): http.RequestListener {
  const router = createConnectRouter({
    ...options,
    acceptCompression: COMPRESSIONS,
  });
  options.routes(router);
  const paths = new Map(router.handlers.map((h) => [h.requestPath, h]));
  return (req, res) => {
    const uHandler = paths.get(req.url?.split("?", 2)[0] ?? "");
    if (!uHandler) {
      answerUnimplemented(req, res);
      return;
    }
    const size = { bytes: -1 };
    const format = bodyFormat(req.headers["content-type"] ?? "");
    const values = options.contextValues(req).set(requestBytesKey, size);
    if (options.fastUnary && options.fastUnary(req, res, values)) return;
    // Binary-framed streams may have their messages written below Connect (fast-path.ts).
    // On HTTP/2 into the ServerHttp2Stream itself: the compat response's write adds its own
    // checks and call layer to each of a 10,000-stream fan-out's writes (bench/README.md).
    if (format === "enveloped-binary" && uHandler.method.methodKind === "server_streaming") {
      const sink = res instanceof http2.Http2ServerResponse ? res.stream : res;
      values.set(directSinkKey, { res: sink, limits: options.sendBuffer });
    }
    const uReq = universalRequestFromNodeRequest(req, res, undefined, values);
    const checked =
      format === "other" || req.method !== "POST"
        ? uReq
        : {
            ...uReq,
            body: checkedBody(
              uReq.body as AsyncIterable<Uint8Array>,
              uHandler.method.input,
              format,
              uReq.header,
              options.readMaxBytes,
              size,
            ),
          };
    uHandler(checked)
      .finally(() => values.get(writeChargeKey)?.settle())
      .then((uRes) => universalResponseToNodeResponse(uRes, res))
      .catch((reason) => {
        // The caller went away mid-response (EPIPE, reset): nothing to answer, nothing broken.
        if (
          ConnectError.from(reason).code === Code.Aborted ||
          res.destroyed ||
          req.socket.destroyed
        ) {
          return;
        }
        log.error("rpc handler failed", {
          procedure: uHandler.method.name,
          ...errorFields(reason),
        });
      });
  };
}
