// DEFLATE/GZIP for EncodedContent.content via Compression Streams (browsers and Node 24).
// Async by nature, so it is a separate step from the synchronous wire decode.
// XMTP's DEFLATE is the zlib-wrapped stream (java DeflaterOutputStream, JS "deflate").

import { Compression, type EncodedContent } from "./encoded-content";
import { ContentError } from "./errors";

/** Default cap on inflated content: generous for text/JSON, small enough to stop zip bombs. */
export const DEFAULT_MAX_INFLATED_BYTES = 10 * 1024 * 1024;

type Format = "deflate" | "gzip";

function formatOf(c: Compression): Format {
  if (c === Compression.DEFLATE) return "deflate";
  if (c === Compression.GZIP) return "gzip";
  throw new ContentError(
    "decompression_failed",
    `EncodedContent.compression ${c} is not DEFLATE (0) or GZIP (1)`,
  );
}

async function pump(
  stream: CompressionStream | DecompressionStream,
  input: Uint8Array,
  maxBytes: number,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Write/close settle only as the reader drains; their errors surface through read().
  writer.write(input.slice()).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ContentError("too_large", `inflated content exceeds the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Raw gzip of bytes (no EncodedContent around them), e.g. a history archive. */
export function gzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  return pump(new CompressionStream("gzip"), bytes, Number.MAX_SAFE_INTEGER);
}

/** Inflates gzip bytes; past `maxBytes` it stops with ContentError "too_large" (zip bombs). */
export function gunzipBytes(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  return pump(new DecompressionStream("gzip"), bytes, maxBytes);
}

export async function compressContent(
  e: EncodedContent,
  compression: Compression,
): Promise<EncodedContent> {
  if (e.compression !== undefined) {
    throw new ContentError("malformed_content", "EncodedContent is already compressed");
  }
  const content = await pump(
    new CompressionStream(formatOf(compression)),
    e.content,
    Number.MAX_SAFE_INTEGER,
  );
  return { ...e, content, compression };
}

/** Returns the content uncompressed (and `compression` unset); a no-op if it was not compressed. */
export async function decompressContent(
  e: EncodedContent,
  opts: { maxBytes?: number } = {},
): Promise<EncodedContent> {
  if (e.compression === undefined) return e;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_INFLATED_BYTES;
  let content: Uint8Array;
  try {
    content = await pump(new DecompressionStream(formatOf(e.compression)), e.content, maxBytes);
  } catch (cause) {
    if (cause instanceof ContentError) throw cause;
    throw new ContentError(
      "decompression_failed",
      `EncodedContent.content is not a valid ${formatOf(e.compression)} stream: ${(cause as Error).message}`,
      { cause },
    );
  }
  const out: EncodedContent = { ...e, content };
  delete out.compression;
  return out;
}
