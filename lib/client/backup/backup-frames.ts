// The body of a backup file: a sequence of frames after the header, each one
//   flags u8 (1 = the last frame) | length u32 big-endian | AES-256-GCM ciphertext‖tag
// over gzip(JSON). Frame i uses nonce = 7 zero bytes ‖ i (u32) ‖ flags and associated data
// = header ‖ i ‖ flags: a changed header, a frame moved, dropped or marked last out of place
// does not authenticate. A file that ends before a frame marked last is truncated. Frames
// are read one at a time from a Blob, so a large backup is never held whole in memory.
import { ContentError, gunzipBytes, gzipBytes } from "../../content";
import { aesGcmDecrypt, aesGcmEncrypt, fromUtf8, utf8 } from "../../crypto";
import { BackupError } from "./backup-error";
import { HEADER_BYTES } from "./backup-header";

const FRAME_PREFIX = 5;
const LAST = 1;
/** Larger frames are refused before anything is read (this app writes frames of a few MiB). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
/** Largest JSON a frame may inflate to (zip bombs). */
export const MAX_FRAME_INFLATED_BYTES = 128 * 1024 * 1024;

function frameNonce(index: number, flags: number): Uint8Array {
  const nonce = new Uint8Array(12);
  new DataView(nonce.buffer).setUint32(7, index);
  nonce[11] = flags;
  return nonce;
}

function frameAad(header: Uint8Array, index: number, flags: number): Uint8Array {
  const aad = new Uint8Array(header.length + 5);
  aad.set(header);
  new DataView(aad.buffer).setUint32(header.length, index);
  aad[header.length + 4] = flags;
  return aad;
}

/** Collects the encrypted frames of one file, in order. */
export class FrameWriter {
  private index = 0;
  private done = false;
  /** Header then frames: what `new Blob(parts)` turns into the file. */
  readonly parts: Uint8Array[];

  constructor(
    private readonly key: CryptoKey,
    private readonly header: Uint8Array,
  ) {
    this.parts = [header];
  }

  async add(value: unknown, last = false): Promise<void> {
    if (this.done) throw new Error("the backup's last frame was already written");
    const flags = last ? LAST : 0;
    const zipped = await gzipBytes(utf8(JSON.stringify(value)));
    const sealed = await aesGcmEncrypt(
      this.key,
      frameNonce(this.index, flags),
      zipped,
      frameAad(this.header, this.index, flags),
    );
    if (sealed.length > MAX_FRAME_BYTES) throw new Error("a backup frame grew past its limit");
    const prefix = new Uint8Array(FRAME_PREFIX);
    prefix[0] = flags;
    new DataView(prefix.buffer).setUint32(1, sealed.length);
    this.parts.push(prefix, sealed);
    this.index++;
    this.done = last;
  }
}

export interface Frame {
  index: number;
  last: boolean;
  value: unknown;
  /** Bytes of the file read so far (for progress). */
  offset: number;
}

async function bytesOf(file: Blob, from: number, to: number): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(from, to).arrayBuffer());
}

/**
 * Every frame of `file`, decrypted and parsed, in order; throws BackupError ("damaged",
 * "truncated", "malformed") at the first one that is not right.
 */
export async function* readFrames(
  file: Blob,
  key: CryptoKey,
  header: Uint8Array,
): AsyncGenerator<Frame> {
  let offset = HEADER_BYTES;
  for (let index = 0; ; index++) {
    if (offset + FRAME_PREFIX > file.size)
      throw new BackupError(
        "truncated",
        `the file ends after ${offset} bytes, before its last part: it was cut short (copy it again)`,
      );
    const prefix = await bytesOf(file, offset, offset + FRAME_PREFIX);
    const flags = prefix[0]!;
    const length = new DataView(prefix.buffer).getUint32(1);
    if (flags > LAST || length > MAX_FRAME_BYTES || length < 16)
      throw new BackupError(
        "damaged",
        `part ${index + 1} of the file has an invalid length or flag: it was changed`,
      );
    const start = offset + FRAME_PREFIX;
    if (start + length > file.size)
      throw new BackupError(
        "truncated",
        `the file ends inside part ${index + 1} (${file.size} of at least ${start + length} bytes): it was cut short (copy it again)`,
      );
    let zipped: Uint8Array;
    try {
      zipped = await aesGcmDecrypt(
        key,
        frameNonce(index, flags),
        await bytesOf(file, start, start + length),
        frameAad(header, index, flags),
      );
    } catch (cause) {
      throw new BackupError(
        "damaged",
        `part ${index + 1} of the file does not authenticate: the file was changed or damaged`,
        { cause },
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(fromUtf8(await gunzipBytes(zipped, MAX_FRAME_INFLATED_BYTES)));
    } catch (cause) {
      const why =
        cause instanceof ContentError && cause.code === "too_large"
          ? `inflates past ${MAX_FRAME_INFLATED_BYTES} bytes`
          : "is not compressed JSON";
      throw new BackupError("malformed", `part ${index + 1} of the backup ${why}`, { cause });
    }
    offset = start + length;
    const last = flags === LAST;
    if (last && offset !== file.size)
      throw new BackupError(
        "damaged",
        `${file.size - offset} bytes follow the backup's last part: the file was changed`,
      );
    yield { index, last, value, offset };
    if (last) return;
  }
}
