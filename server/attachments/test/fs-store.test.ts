// The filesystem backend on a real temp folder: content addressing, idempotence
// under concurrency, and nothing left behind by a refused upload.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buffer } from "node:stream/consumers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AttachmentError } from "../errors";
import { FsAttachmentStore } from "../fs-store";

const sha256hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const random = (n: number) => new Uint8Array(randomBytes(n));

/** The bytes as an upload arrives: in pieces. */
async function* pieces(b: Uint8Array, size = 7000): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function refusal(p: Promise<unknown>): Promise<AttachmentError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AttachmentError);
  return err as AttachmentError;
}

let dir: string;
let store: FsAttachmentStore;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "attachments-fs-"));
  store = await FsAttachmentStore.open(dir);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const blobsOnDisk = () => fs.readdirSync(dir).filter((n) => n !== ".tmp");

describe("FsAttachmentStore", () => {
  it("stores the bytes under their SHA-256 and gives the same bytes back", async () => {
    const bytes = random(100_000);
    const stored = await store.put(pieces(bytes), 1_000_000);
    expect(stored).toEqual({ digest: sha256hex(bytes), size: 100_000, created: true });
    const blob = await store.get(stored.digest);
    expect(blob?.size).toBe(100_000);
    expect(new Uint8Array(await buffer(blob!.body))).toEqual(bytes);
    expect(await store.stat(stored.digest)).toEqual({ size: 100_000 });
    expect(await store.has(stored.digest)).toBe(true);
    expect(blobsOnDisk()).toEqual([stored.digest]);
  });

  it("keeps one copy of identical uploads, even when they race, and reports which created it", async () => {
    const bytes = random(50_000);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => store.put(pieces(bytes), 1_000_000)),
    );
    expect(new Set(results.map((r) => r.digest))).toEqual(new Set([sha256hex(bytes)]));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(blobsOnDisk()).toHaveLength(1);
    expect(fs.readdirSync(store.tmpDir)).toEqual([]);
  });

  it("refuses more than maxBytes, naming the limit and the bytes received, and keeps nothing", async () => {
    const err = await refusal(store.put(pieces(random(30_000)), 20_000));
    expect(err.code).toBe("too_large");
    expect(err.message).toMatch(/over the limit of 20000 bytes \(21000 bytes received/);
    expect(blobsOnDisk()).toEqual([]);
    expect(fs.readdirSync(store.tmpDir)).toEqual([]);
  });

  it("refuses an empty upload", async () => {
    const err = await refusal(store.put(pieces(new Uint8Array()), 1000));
    expect(err.code).toBe("empty");
    expect(fs.readdirSync(store.tmpDir)).toEqual([]);
  });

  it("keeps nothing when the sender breaks off mid-upload", async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield random(5000);
      throw Object.assign(new Error("aborted"), { code: "ECONNRESET" });
    }
    await expect(store.put(broken(), 1_000_000)).rejects.toThrow("aborted");
    expect(blobsOnDisk()).toEqual([]);
    expect(fs.readdirSync(store.tmpDir)).toEqual([]);
  });

  it("answers undefined for a blob it does not have", async () => {
    const digest = sha256hex(random(10));
    expect(await store.get(digest)).toBeUndefined();
    expect(await store.stat(digest)).toBeUndefined();
    expect(await store.has(digest)).toBe(false);
  });

  it("removes temp files a crash left behind when it opens, but not fresh ones", async () => {
    const stale = path.join(store.tmpDir, "stale.part");
    const fresh = path.join(store.tmpDir, "fresh.part");
    fs.writeFileSync(stale, "x");
    fs.writeFileSync(fresh, "y");
    const old = new Date(Date.now() - 2 * 60 * 60_000);
    fs.utimesSync(stale, old, old);
    await FsAttachmentStore.open(dir);
    expect(fs.readdirSync(store.tmpDir)).toEqual(["fresh.part"]);
  });
});
