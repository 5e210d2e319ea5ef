// The S3 backend against an S3-compatible server running here (s3rver: the S3 REST API
// over a folder). It parses our SigV4 Authorization header and checks the access key, but
// does not recompute V4 signatures — their math is held to AWS's published examples in
// sigv4.test.ts. Here: the same round trip, idempotence and refusals as the other backends.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buffer } from "node:stream/consumers";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { S3Config } from "../../config";
import { AttachmentError } from "../errors";
import { S3AttachmentStore } from "../s3-store";

const sha256hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const random = (n: number) => new Uint8Array(randomBytes(n));
async function* pieces(b: Uint8Array, size = 7000): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

describe("S3AttachmentStore on an S3-compatible server", () => {
  let server: S3rver;
  let dir: string;
  let config: S3Config;
  let store: S3AttachmentStore;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "attachments-s3-"));
    server = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory: path.join(dir, "bucket-data"),
      configureBuckets: [{ name: "messenger" }],
    });
    const { port } = (await server.run()) as { port: number };
    config = {
      endpoint: `http://127.0.0.1:${port}`,
      bucket: "messenger",
      region: "us-east-1",
      prefix: "attachments/",
      // s3rver's built-in account.
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
    };
    store = await S3AttachmentStore.open(config, path.join(dir, "spool"));
  });

  afterAll(async () => {
    await store?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("stores the bytes under their SHA-256 and gives the same bytes back", async () => {
    const bytes = random(300_000);
    const stored = await store.put(pieces(bytes), 1_000_000);
    expect(stored).toMatchObject({ digest: sha256hex(bytes), size: 300_000, created: true });
    const blob = await store.get(stored.digest);
    expect(blob?.size).toBe(300_000);
    expect(new Uint8Array(await buffer(blob!.body))).toEqual(bytes);
    expect(await store.stat(stored.digest)).toEqual({ size: 300_000 });
    expect(await store.has(stored.digest)).toBe(true);
    // Stored where the config says, as an ordinary object of the bucket.
    const objects = fs.readdirSync(path.join(dir, "bucket-data", "messenger"), { recursive: true });
    expect(objects.some((o) => String(o).includes(stored.digest))).toBe(true);
  });

  it("stores the same bytes once", async () => {
    const bytes = random(50_000);
    const first = await store.put(pieces(bytes), 1_000_000);
    const again = await store.put(pieces(bytes), 1_000_000);
    expect(again).toMatchObject({ digest: first.digest, size: 50_000, created: false });
  });

  it("knows nothing of an unknown digest, and refuses too much or nothing", async () => {
    expect(await store.get("0".repeat(64))).toBeUndefined();
    expect(await store.has("0".repeat(64))).toBe(false);
    const tooBig = await store.put(pieces(random(2_000)), 1_000).catch((e: unknown) => e);
    expect(tooBig).toBeInstanceOf(AttachmentError);
    expect((tooBig as AttachmentError).code).toBe("too_large");
    const empty = await store.put(pieces(new Uint8Array()), 1_000).catch((e: unknown) => e);
    expect((empty as AttachmentError).code).toBe("empty");
  });

  it("an access key the server does not know is refused there, with its reason", async () => {
    const stranger = await S3AttachmentStore.open(
      { ...config, accessKeyId: "NOBODY" },
      path.join(dir, "spool-stranger"),
    );
    await expect(stranger.put(pieces(random(1_000)), 1_000_000)).rejects.toThrow(
      /InvalidAccessKeyId|403/,
    );
    await stranger.close();
  });
});
