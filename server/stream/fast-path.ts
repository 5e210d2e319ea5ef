// The Subscribe fast path: below Connect for every message but the first.
//
// Connect sends each streamed message through its own chain of async generators
// (serialise, envelope, compress, join, then one awaited write with its listeners), per
// stream: ~50 of the ~70 µs of node CPU a delivery cost. Here the handler yields its
// FIRST message through Connect as usual (Connect writes the response headers with it,
// and pulls the next message only once that write completed), then writes every later
// message's frame (frames.ts, built once per row for all streams) straight into the
// HTTP response; once the stream is live, the engine writes them itself (DirectDelivery).
// Connect still owns everything else: request parsing, headers, errors
// (before or during the stream), the end-of-stream message / trailers, cancellation.
//
// Only binary framing goes direct (connect+proto, grpc, grpc-web): one frame's bytes are
// valid on all of them. JSON streams keep Connect's whole path (the adapter decides:
// `directSinkKey` is unset for them).
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import { log } from "../log";
import { DirectWriter, type FrameSink, type SendBufferLimits } from "./direct-writer";
import type { DirectDelivery, StreamItem } from "./items";

export interface DirectSink {
  res: FrameSink;
  limits: SendBufferLimits;
}

/** Set by the HTTP adapter on binary-framed requests: where frames may go directly. */
export const directSinkKey = createContextKey<DirectSink | undefined>(undefined, {
  description: "the HTTP response under Connect, for direct frames",
});

export interface StreamOutput<T, M> {
  /** The response message for Connect's path (undefined: nothing to send for this item). */
  message(item: T): M | undefined;
  /** The same message's frame (frames.ts), for the direct path. */
  frame(item: T): Uint8Array | undefined;
}

/**
 * Streams the items `open` returns as responses: the first through Connect, the rest
 * direct when allowed. `open` gets the stream's DirectDelivery, through which the engine
 * writes live rows for this stream itself, without waking its generator (engine.ts).
 */
export async function* fastStream<M>(
  ctx: HandlerContext,
  open: (direct: DirectDelivery) => AsyncIterable<StreamItem>,
  out: StreamOutput<StreamItem, M>,
): AsyncGenerator<M> {
  const direct = ctx.values.get(directSinkKey);
  let writer: DirectWriter | undefined;
  const delivery: DirectDelivery = {
    ready: () => writer !== undefined,
    write(items) {
      for (let i = 0; i < items.length; i++) {
        const bytes = out.frame(items[i]!);
        const room = bytes && writer!.write(bytes);
        if (room) return { written: i + 1, room };
      }
      return { written: items.length };
    },
  };
  for await (const item of open(delivery)) {
    if (writer) {
      const bytes = out.frame(item);
      if (!bytes) continue;
      const room = writer.write(bytes);
      if (room) await room;
      continue;
    }
    const message = out.message(item);
    if (message === undefined) continue;
    yield message;
    if (direct) {
      writer = new DirectWriter(direct.res, direct.limits, (bufferedBytes) =>
        log.warn("stream cut: client stopped reading", {
          procedure: ctx.method.name,
          bufferedBytes,
          stallMs: direct.limits.stallMs,
        }),
      );
    }
  }
}
