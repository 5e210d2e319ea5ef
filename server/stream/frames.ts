// The bytes of one streamed message as Connect, gRPC and gRPC-web all frame it in their
// binary forms: 1 flag byte (0 = not compressed), 4 bytes big-endian length, protobuf.
// The same bytes are valid on every stream of those protocols, so a message fanned out
// to 1,000 streams is encoded once (fast-stream.ts writes them) instead of once per stream.
//
// Flag 0 is always allowed: a compressed-flag of 0 means "this message is not
// compressed" even when the stream negotiated gzip (Connect itself sends messages under
// 1 KiB that way), so one frame fits every stream whatever its encoding.
import { toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";

/** Frame header size: flags + length. */
export const FRAME_HEADER_BYTES = 5;

/** One uncompressed data frame around `payload`. */
export function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.byteLength);
  out[0] = 0;
  out.writeUInt32BE(payload.byteLength, 1);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** The frame of `message`, serialised with `schema`. */
export function frameOf<D extends DescMessage>(schema: D, message: MessageShape<D>): Buffer {
  return frame(toBinary(schema, message));
}

/**
 * Frames built once per key object. Streams of one topic share the row objects of
 * their reads (shared-reads.ts), so keying by row means one encoding per row per
 * response type however many streams deliver it; the WeakMap lets rows go with their reads.
 */
export class FrameCache<K extends object> {
  private readonly frames = new WeakMap<K, Buffer>();

  constructor(private readonly build: (key: K) => Buffer) {}

  get(key: K): Buffer {
    let f = this.frames.get(key);
    if (!f) {
      f = this.build(key);
      this.frames.set(key, f);
    }
    return f;
  }
}
