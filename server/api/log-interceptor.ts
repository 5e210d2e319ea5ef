// One log line per rejected or failed RPC, and per stream start/end. Names and
// codes only: never payloads, keys or signatures.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { log } from "../log";

/** Long hex (keys, ids, addresses) shortened: the log names the rule, not the material. */
function redact(text: string): string {
  return text.slice(0, 300).replace(/(0x)?([0-9a-f]{8})[0-9a-f]{8,}/gi, "$1$2…");
}

export const logInterceptor: Interceptor = (next) => async (req) => {
  const started = Date.now();
  const procedure = req.method.parent.typeName + "/" + req.method.name;
  try {
    const res = await next(req);
    if (res.stream) log.info("stream opened", { procedure });
    return res;
  } catch (err) {
    const ce = ConnectError.from(err);
    const fields = {
      procedure,
      code: Code[ce.code],
      reason: redact(ce.rawMessage),
      ms: Date.now() - started,
    };
    if (ce.code === Code.Internal || ce.code === Code.Unknown) log.error("rpc failed", fields);
    else log.info("rpc rejected", fields);
    throw err;
  }
};
