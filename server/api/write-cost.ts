// Writes pay by size. The request gate (rate-limit.ts) takes one write token before
// the body is read; once the request is parsed, this interceptor charges the rest:
// one token per started MiB of the decoded request, as attachment uploads pay. The
// decoded size counts, not the wire size: a gzip body of zeros stores its full size.
// A send whose charge its own statement takes (write-charge.ts) pays it all there.
import { toBinary } from "@bufbuild/protobuf";
import type { ContextValues, Interceptor } from "@connectrpc/connect";
import { requestBytesKey } from "./adapter";
import { INBOX_HEADER, isWrite, peerKey, writeChargeKey, type RateLimiter } from "./rate-limit";

/** One write token buys this many bytes (attachments use the same unit). */
export const BYTES_PER_WRITE_TOKEN = 1024 * 1024;

/** Tokens a write of `bytes` costs: one per started MiB, at least one. */
export function writeTokens(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / BYTES_PER_WRITE_TOKEN));
}

export function writeCostInterceptor(limiter: RateLimiter): Interceptor {
  return (next) => async (req) => {
    if (!req.stream && isWrite(req.method.name)) {
      const measured = req.contextValues.get(requestBytesKey).bytes;
      const bytes = measured >= 0 ? measured : toBinary(req.method.input, req.message).length;
      await chargeWriteSize(limiter, {
        procedure: req.method.name,
        bytes,
        values: req.contextValues,
        inbox: req.header.get(INBOX_HEADER) ?? undefined,
      });
    }
    return next(req);
  };
}

/** The interceptor's work for one write of `bytes` (also the unary fast path's). */
export async function chargeWriteSize(
  limiter: RateLimiter,
  call: { procedure: string; bytes: number; values: ContextValues; inbox: string | undefined },
): Promise<void> {
  const deferred = call.values.get(writeChargeKey);
  if (deferred) {
    // The send's own statement takes it all (write-charge.ts), capped as check caps it.
    deferred.charge.cost = Math.min(writeTokens(call.bytes), deferred.charge.one.burst);
    return;
  }
  const extra = writeTokens(call.bytes) - 1; // the gate took the first
  if (extra > 0) {
    await limiter.check({
      procedure: call.procedure,
      peer: call.values.get(peerKey),
      inbox: call.inbox,
      streaming: false,
      cost: extra,
    });
  }
}
