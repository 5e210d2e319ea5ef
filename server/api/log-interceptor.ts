// One log line per RPC (procedure, code, ms, request id, peer), per stream start.
// Names and codes only: never payloads, keys or signatures.
import { Code, ConnectError, createContextKey, type Interceptor } from "@connectrpc/connect";
import { log } from "../log";
import { peerKey } from "./rate-limit";

/** The request's id (the caller's `x-request-id` when well-formed, else generated). */
export const requestIdKey = createContextKey<string>("", { description: "request id" });

export const REQUEST_ID_HEADER = "x-request-id";
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller's id is kept only if it is short and plain (it goes into logs and headers). */
export function requestIdFrom(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  return v && REQUEST_ID_RE.test(v) ? v : crypto.randomUUID();
}

/** Long hex (keys, ids, addresses) shortened: the log names the rule, not the material. */
function redact(text: string): string {
  return text.slice(0, 300).replace(/(0x)?([0-9a-f]{8})[0-9a-f]{8,}/gi, "$1$2…");
}

export const logInterceptor: Interceptor = (next) => async (req) => {
  const started = Date.now();
  const procedure = req.method.parent.typeName + "/" + req.method.name;
  const requestId = req.contextValues.get(requestIdKey) || undefined;
  try {
    const res = await next(req);
    if (res.stream) log.info("stream opened", { procedure, requestId });
    else logCall(procedure, started, requestId);
    return res;
  } catch (err) {
    logCall(procedure, started, requestId, {
      err,
      peer: req.contextValues.get(peerKey),
      aborted: req.signal.aborted,
    });
    throw err;
  }
};

/** The line for one finished unary call (also the unary fast path's), by its outcome. */
export function logCall(
  procedure: string,
  started: number,
  requestId: string | undefined,
  failed?: { err: unknown; peer: string; aborted: boolean },
): void {
  if (!failed) {
    log.info("rpc", { procedure, code: "ok", ms: Date.now() - started, requestId });
    return;
  }
  const ce = ConnectError.from(failed.err);
  // The limiter logs once per client and minute; a line per refusal would let a flood fill the disk.
  if (ce.code === Code.ResourceExhausted && ce.metadata.has("retry-after")) return;
  const fields = {
    procedure,
    code: Code[ce.code],
    reason: redact(ce.rawMessage),
    ms: Date.now() - started,
    requestId,
    peer: failed.peer,
  };
  // The caller went away (closed the connection, aborted): not a fault of the node.
  if (failed.aborted) log.info("rpc cancelled", fields);
  else if (ce.code === Code.Internal || ce.code === Code.Unknown) log.error("rpc failed", fields);
  else log.info("rpc rejected", fields);
}
