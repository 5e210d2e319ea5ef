// Writes frames straight into one stream's HTTP response (HTTP/1.1 or HTTP/2), and
// bounds what a slow reader can make the node hold.
//
// A frame is written at once while the bytes waiting in the node for this response
// (`writableLength`: not yet taken by the socket, or by HTTP/2 flow control) stay at or
// under `maxBufferedBytes`. Past it, the stream stops pulling from the engine until the
// response drains: its cursor waits, nothing is dropped, other streams go on (each
// stream has its own loop; the rows they share are not copied). A reader that takes
// nothing for `stallMs` while over the cap is cut (HTTP/2 RST_STREAM, HTTP/1.1 the
// connection), which frees its buffers and its stream slot; clients reopen from their
// cursors, so a cut costs a resume, never a message. So one stream holds at most the
// cap plus one frame (a message is ≤ ~1 MiB).
import type { EventEmitter } from "node:events";

/** What of an http.ServerResponse / http2.Http2ServerResponse the writer uses. */
export interface FrameSink extends Pick<EventEmitter, "once" | "off"> {
  write(chunk: Uint8Array): boolean;
  readonly writableLength: number;
  destroy(error?: Error): void;
}

export interface SendBufferLimits {
  /** Bytes that may wait in the node for one stream before it stops reading rows. */
  maxBufferedBytes: number;
  /** How long a stream may stay over that cap before it is cut. */
  stallMs: number;
}

export class DirectWriter {
  private closed = false;

  constructor(
    private readonly sink: FrameSink,
    private readonly limits: SendBufferLimits,
    /** Told when a stalled stream is cut, with the bytes it left unsent. */
    private readonly onStall: (bufferedBytes: number) => void,
  ) {
    sink.once("close", () => (this.closed = true));
  }

  /**
   * Writes `frame`. Returns undefined when there is room for more at once (the common
   * case: no promise per message), else a promise that settles when there is room again,
   * the response closed, or the stall limit cut it.
   */
  write(frame: Uint8Array): Promise<void> | undefined {
    if (this.closed) return undefined; // the caller's signal ends its loop
    this.sink.write(frame);
    if (this.sink.writableLength <= this.limits.maxBufferedBytes) return undefined;
    return this.room();
  }

  private room(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sink.off("drain", done);
        this.sink.off("close", done);
        resolve();
      };
      const timer = setTimeout(() => {
        const buffered = this.sink.writableLength;
        done();
        if (this.closed) return;
        this.closed = true; // nothing more is written to what is being cut
        this.onStall(buffered);
        this.sink.destroy(
          new Error(
            `stream cut: the client read nothing for ${this.limits.stallMs} ms with ${buffered} bytes waiting`,
          ),
        );
      }, this.limits.stallMs);
      this.sink.once("drain", done);
      this.sink.once("close", done);
    });
  }
}
