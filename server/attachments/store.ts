// The one interface every backend (files, PostgreSQL large objects, S3) offers.
// Blobs are opaque ciphertext named by their SHA-256: the node never holds a key.
import type { Readable } from "node:stream";

export interface StoredAttachment {
  /** SHA-256 of the bytes, lowercase hex. */
  digest: string;
  size: number;
  /** false when the same bytes were already stored (uploads are idempotent). */
  created: boolean;
}

export interface AttachmentBlob {
  size: number;
  /** The bytes; destroy it to stop early. */
  body: Readable;
}

export interface AttachmentStore {
  readonly kind: "fs" | "postgres" | "s3";
  /**
   * Stores the bytes of `body` under their SHA-256. More than `maxBytes` → AttachmentError
   * "too_large", none → "empty"; either way nothing is kept.
   */
  put(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StoredAttachment>;
  /** The blob's size and bytes, or undefined when the node has no such blob. */
  get(digest: string): Promise<AttachmentBlob | undefined>;
  /** The blob's size without its bytes (HEAD), or undefined. */
  stat(digest: string): Promise<{ size: number } | undefined>;
  has(digest: string): Promise<boolean>;
  close(): Promise<void>;
}
