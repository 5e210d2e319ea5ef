// An S3-compatible bucket (path-style URLs: AWS, MinIO, R2, Ceph …), signed with
// SigV4. The upload is spooled and hashed first; the digest is then exactly the
// x-amz-content-sha256 the bucket checks, so a corrupted transfer is refused there.
import fs from "node:fs/promises";
import { createReadStream } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { S3Config } from "../config";
import { EMPTY_SHA256, signV4 } from "./sigv4";
import { spool, sweepSpool } from "./spool";
import type { AttachmentBlob, AttachmentStore, StoredAttachment } from "./store";

export class S3AttachmentStore implements AttachmentStore {
  readonly kind = "s3";

  private constructor(
    private readonly config: S3Config,
    readonly tmpDir: string,
    private readonly fetchImpl: typeof fetch,
  ) {}

  static async open(
    config: S3Config,
    spoolDir: string,
    fetchImpl: typeof fetch = fetch,
  ): Promise<S3AttachmentStore> {
    const tmpDir = path.join(spoolDir, ".tmp");
    await fs.mkdir(tmpDir, { recursive: true });
    await sweepSpool(tmpDir);
    return new S3AttachmentStore(config, tmpDir, fetchImpl);
  }

  private url(digest: string): URL {
    const { endpoint, bucket, prefix } = this.config;
    return new URL(`${endpoint}/${encodeURIComponent(bucket)}/${prefix}${digest}`);
  }

  private async request(
    method: string,
    digest: string,
    init: { payloadHash?: string; headers?: Record<string, string>; body?: Readable } = {},
  ): Promise<Response> {
    const url = this.url(digest);
    const headers = signV4(
      { method, url, headers: init.headers, payloadHash: init.payloadHash ?? EMPTY_SHA256 },
      { ...this.config, service: "s3" },
    );
    delete headers.host; // fetch sets it from the URL
    return this.fetchImpl(url, {
      method,
      headers,
      ...(init.body
        ? { body: Readable.toWeb(init.body) as ReadableStream, duplex: "half" as const }
        : {}),
    } as RequestInit);
  }

  private async fail(what: string, res: Response): Promise<never> {
    const text = await res.text().catch(() => "");
    throw new Error(`S3 ${what} answered ${res.status}: ${text.slice(0, 300)}`);
  }

  async put(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StoredAttachment> {
    const spooled = await spool(body, this.tmpDir, maxBytes);
    const { digest, size } = spooled;
    try {
      if (await this.has(digest)) return { digest, size, created: false };
      const res = await this.request("PUT", digest, {
        payloadHash: digest,
        headers: { "content-length": String(size), "content-type": "application/octet-stream" },
        body: createReadStream(spooled.path),
      });
      if (!res.ok) await this.fail("PUT", res);
      await res.body?.cancel();
      return { digest, size, created: true };
    } finally {
      await spooled.discard();
    }
  }

  async get(digest: string): Promise<AttachmentBlob | undefined> {
    const res = await this.request("GET", digest);
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok || !res.body) return this.fail("GET", res);
    const size = Number(res.headers.get("content-length"));
    if (!Number.isSafeInteger(size)) {
      await res.body.cancel();
      throw new Error(`S3 GET answered without a usable content-length`);
    }
    return {
      size,
      body: Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>),
    };
  }

  async stat(digest: string): Promise<{ size: number } | undefined> {
    const res = await this.request("HEAD", digest);
    await res.body?.cancel();
    if (res.status === 404) return undefined;
    if (!res.ok) return this.fail("HEAD", res);
    return { size: Number(res.headers.get("content-length")) };
  }

  async has(digest: string): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  async close(): Promise<void> {}
}
