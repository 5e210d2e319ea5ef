// Files under ATTACHMENTS_DIR, one per blob, named by its SHA-256. An upload
// becomes visible only once complete (hard link or rename out of `.tmp`), so a
// reader never sees a partial blob.
import fs from "node:fs/promises";
import path from "node:path";
import { spool, sweepSpool } from "./spool";
import type { AttachmentBlob, AttachmentStore, StoredAttachment } from "./store";

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

export class FsAttachmentStore implements AttachmentStore {
  readonly kind = "fs";
  readonly tmpDir: string;

  private constructor(readonly dir: string) {
    this.tmpDir = path.join(dir, ".tmp");
  }

  static async open(dir: string): Promise<FsAttachmentStore> {
    const store = new FsAttachmentStore(dir);
    await fs.mkdir(store.tmpDir, { recursive: true });
    await sweepSpool(store.tmpDir);
    return store;
  }

  /** The blob's file; `digest` must already be checked (checkDigest). */
  private file(digest: string): string {
    return path.join(this.dir, digest);
  }

  async put(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StoredAttachment> {
    const spooled = await spool(body, this.tmpDir, maxBytes, { sync: true });
    const { digest, size } = spooled;
    const target = this.file(digest);
    try {
      // link() fails if the name exists, so exactly one of two identical uploads creates it.
      await fs.link(spooled.path, target);
      return { digest, size, created: true };
    } catch (err) {
      if (errno(err) === "EEXIST") return { digest, size, created: false };
      // A filesystem without hard links: rename is atomic too (same bytes either way).
      await fs.rename(spooled.path, target);
      return { digest, size, created: true };
    } finally {
      await spooled.discard();
    }
  }

  async get(digest: string): Promise<AttachmentBlob | undefined> {
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(this.file(digest), "r");
    } catch (err) {
      if (errno(err) === "ENOENT") return undefined;
      throw err;
    }
    try {
      const { size } = await fh.stat();
      return { size, body: fh.createReadStream({ highWaterMark: 256 * 1024 }) };
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async stat(digest: string): Promise<{ size: number } | undefined> {
    try {
      return { size: (await fs.stat(this.file(digest))).size };
    } catch (err) {
      if (errno(err) === "ENOENT") return undefined;
      throw err;
    }
  }

  async has(digest: string): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  async close(): Promise<void> {}
}
