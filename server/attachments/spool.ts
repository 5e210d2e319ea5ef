// Every upload is first written to a temp file while it is hashed and counted, so
// no backend ever holds an unverified or oversized blob, and a slow sender ties up
// a file handle, not a database connection.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { AttachmentError, tooLarge } from "./errors";

export interface Spooled {
  path: string;
  digest: string;
  size: number;
  /** Removes the temp file (a no-op once it has been moved away). */
  discard(): Promise<void>;
}

export async function spool(
  body: AsyncIterable<Uint8Array>,
  tmpDir: string,
  maxBytes: number,
  opts: { sync?: boolean } = {},
): Promise<Spooled> {
  const file = path.join(tmpDir, `${randomUUID()}.part`);
  const discard = () => fs.rm(file, { force: true });
  const fh = await fs.open(file, "wx", 0o600);
  const hash = createHash("sha256");
  let size = 0;
  try {
    try {
      for await (const chunk of body) {
        size += chunk.length;
        if (size > maxBytes) throw tooLarge(maxBytes, undefined, size);
        hash.update(chunk);
        await fh.write(chunk);
      }
      if (size === 0) throw new AttachmentError("empty", "attachment is empty (0 bytes)");
      if (opts.sync) await fh.datasync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    await discard();
    throw err;
  }
  return { path: file, digest: hash.digest("hex"), size, discard };
}

/** Removes temp files older than `maxAgeMs`: leftovers of a crash (a live upload is younger). */
export async function sweepSpool(tmpDir: string, maxAgeMs = 60 * 60_000): Promise<number> {
  let removed = 0;
  const now = Date.now();
  for (const name of await fs.readdir(tmpDir)) {
    if (!name.endsWith(".part")) continue;
    const file = path.join(tmpDir, name);
    try {
      if (now - (await fs.stat(file)).mtimeMs > maxAgeMs) {
        await fs.rm(file, { force: true });
        removed++;
      }
    } catch {
      // gone meanwhile (another node sharing the folder swept it)
    }
  }
  return removed;
}

/** Reads a spooled file in `chunkBytes` pieces (for backends that upload it onward). */
export async function* readChunks(file: string, chunkBytes: number): AsyncGenerator<Buffer> {
  const fh = await fs.open(file, "r");
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await fh.read(buf, 0, chunkBytes, null);
      if (bytesRead === 0) return;
      yield bytesRead === chunkBytes ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}
