// The attachment endpoints on a REAL node process (PGlite, filesystem store):
// what an uploading client and a downloading peer rely on.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../test/harness";

const sha256hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const random = (n: number) => new Uint8Array(randomBytes(n));
const MAX = 64 * 1024;
const OCTETS = { "content-type": "application/octet-stream" };

function post(
  node: StartedNode,
  body: BodyInit,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${node.url}/attachments`, {
    method: "POST",
    body,
    headers: { ...OCTETS, ...headers },
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

const asBody = (b: Uint8Array) => b as Uint8Array<ArrayBuffer>;

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  expect(res.headers.get("content-type")).toBe("application/json");
  return (await res.json()) as { code: string; message: string };
}

describe("attachments over HTTP (filesystem store)", () => {
  let node: StartedNode;
  const attachmentsDir = () => path.join(node.dataDir, "attachments");
  const blobsOnDisk = () => fs.readdirSync(attachmentsDir()).filter((n) => n !== ".tmp");
  const tempFiles = () => fs.readdirSync(path.join(attachmentsDir(), ".tmp"));

  beforeAll(async () => {
    node = await startNode({ env: { ATTACHMENTS_MAX_BYTES: String(MAX) } });
  });
  afterAll(async () => {
    await node?.stop();
  });

  it("stores a blob and serves the identical bytes at the URL it returns, named by SHA-256", async () => {
    const bytes = random(50_000);
    const res = await post(node, asBody(bytes));
    expect(res.status).toBe(201);
    const digest = sha256hex(bytes);
    const url = `${node.url}/attachments/${digest}`;
    expect(await res.json()).toEqual({ digest, url, size: 50_000 });
    expect(res.headers.get("location")).toBe(url);

    const got = await fetch(url);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    expect(got.headers.get("content-length")).toBe("50000");
    expect(got.headers.get("etag")).toBe(`"${digest}"`);
    expect(fs.readFileSync(path.join(attachmentsDir(), digest)).equals(bytes)).toBe(true);
    const line = await node.logLine((l) => l.includes('"attachment stored"') && l.includes(digest));
    expect(line).toMatch(/"size":50000,"created":true,"store":"fs"/);
  });

  it("serves ciphertext so that no browser renders, sniffs or re-fetches it, to any origin", async () => {
    const { url } = (await (await post(node, asBody(random(100)))).json()) as { url: string };
    const res = await fetch(url, { headers: { origin: "https://elsewhere.example" } });
    expect(Object.fromEntries(res.headers)).toMatchObject({
      "content-type": "application/octet-stream",
      "content-disposition": "attachment",
      "x-content-type-options": "nosniff",
      "cache-control": "public, max-age=31536000, immutable",
      "access-control-allow-origin": "*",
    });
    await res.arrayBuffer();
  });

  it("is idempotent: the same bytes again answer 200 with the same digest and URL, one file", async () => {
    const bytes = random(2000);
    const first = (await (await post(node, asBody(bytes))).json()) as { url: string };
    const again = await post(node, asBody(bytes));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { url: string }).url).toBe(first.url);
    expect(blobsOnDisk().filter((n) => n === sha256hex(bytes))).toHaveLength(1);
  });

  it("answers HEAD with the size and no body, and a matching If-None-Match with 304", async () => {
    const bytes = random(777);
    const { url, digest } = (await (await post(node, asBody(bytes))).json()) as {
      url: string;
      digest: string;
    };
    const head = await fetch(url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("777");
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const cached = await fetch(url, { headers: { "if-none-match": `"${digest}"` } });
    expect(cached.status).toBe(304);
  });

  it("refuses a declared body over the cap with 413 naming both sizes, keeps nothing, stays up", async () => {
    const before = blobsOnDisk().length;
    const res = await post(node, asBody(random(MAX + 1)));
    expect(res.status).toBe(413);
    const err = await errorOf(res);
    expect(err.code).toBe("resource_exhausted");
    expect(err.message).toBe(`attachment is ${MAX + 1} bytes; the limit is ${MAX} bytes`);
    await new Promise((r) => setTimeout(r, 300)); // past the refused connection's close
    expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
    expect(blobsOnDisk()).toHaveLength(before);
    expect(tempFiles()).toEqual([]);
  });

  /** An endless-looking upload: `total` bytes in 16 KiB pieces, with or without a declared length. */
  function bigStream(total: number): ReadableStream<Uint8Array> {
    const chunk = random(16 * 1024);
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= total) return c.close();
        sent += chunk.length;
        c.enqueue(chunk);
      },
    });
  }

  it("stops a streamed body without a length once it passes the cap (413), keeping nothing", async () => {
    const before = blobsOnDisk().length;
    // Repeated: the sender must get the answer every time, not a connection reset.
    for (let i = 0; i < 5; i++) {
      const res = await post(node, bigStream(10 * MAX));
      expect(res.status).toBe(413);
      expect((await errorOf(res)).message).toMatch(
        new RegExp(`over the limit of ${MAX} bytes \\(\\d+ bytes received`),
      );
    }
    expect(blobsOnDisk()).toHaveLength(before);
    expect(tempFiles()).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
  });

  it("answers 413 to a huge declared upload before reading any of it", async () => {
    const declared = 512 * 1024 * 1024;
    const res = await post(node, bigStream(declared), { "content-length": String(declared) });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).message).toBe(
      `attachment is ${declared} bytes; the limit is ${MAX} bytes`,
    );
    expect(tempFiles()).toEqual([]);
    expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
  });

  it("refuses an empty body (400) and a body that is not octet-stream (415)", async () => {
    const empty = await post(node, asBody(new Uint8Array()));
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).message).toMatch(/empty/);
    const form = await post(node, "a=b", { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expect((await errorOf(form)).message).toMatch(/application\/octet-stream/);
  });

  it("names the problem with a malformed id (400) and answers 404 for a digest it does not hold", async () => {
    const short = await fetch(`${node.url}/attachments/abc`);
    expect(short.status).toBe(400);
    expect((await errorOf(short)).message).toMatch(/64 lowercase hex characters, got "abc"/);
    const upper = await fetch(`${node.url}/attachments/${"AB".repeat(32)}`);
    expect((await errorOf(upper)).message).toMatch(/uppercase/);
    const traversal = await fetch(`${node.url}/attachments/..%2F..%2Fpgdata`);
    expect(traversal.status).toBe(400);
    const unknown = sha256hex(random(8));
    const missing = await fetch(`${node.url}/attachments/${unknown}`);
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).message).toContain(unknown);
  });

  it("answers the CORS preflight for uploads, and 405 naming the allowed methods", async () => {
    const pre = await fetch(`${node.url}/attachments`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-inbox-id",
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
    expect(pre.headers.get("access-control-allow-headers")).toMatch(/content-type.*x-inbox-id/);
    const wrong = await fetch(`${node.url}/attachments`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST, OPTIONS");
    expect((await errorOf(wrong)).message).toMatch(/GET is not allowed/);
  });

  it("ignores x-forwarded-* when TRUST_PROXY is off: the URL is where the upload was sent", async () => {
    const res = await post(node, asBody(random(10)), {
      "x-forwarded-proto": "https",
      "x-forwarded-host": "evil.example",
    });
    const { url } = (await res.json()) as { url: string };
    expect(url.startsWith(`${node.url}/attachments/`)).toBe(true);
  });
});

describe("attachments: rate limit and PUBLIC_URL", () => {
  let node: StartedNode;
  const MiB = 1024 * 1024;

  beforeAll(async () => {
    node = await startNode({
      env: {
        ATTACHMENTS_MAX_BYTES: String(8 * MiB),
        RATE_LIMIT_WRITES_PER_MIN: "1",
        RATE_LIMIT_WRITE_BURST: "4",
        PUBLIC_URL: "https://files.example.org/",
      },
    });
  });
  afterAll(async () => {
    await node?.stop();
  });

  it("charges uploads per MiB against the write budget: over it → 429 with retry-after", async () => {
    const big = random(3.5 * MiB); // 4 tokens: the whole burst
    const ok = await post(node, asBody(big));
    expect(ok.status).toBe(201);
    const { url, digest } = (await ok.json()) as { url: string; digest: string };
    expect(url).toBe(`https://files.example.org/attachments/${digest}`);

    const refused = await post(node, asBody(random(10)));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60"); // 1 token per minute
    const err = await errorOf(refused);
    expect(err.code).toBe("resource_exhausted");
    expect(err.message).toMatch(/too many writes .*1\/min/);

    // Downloads draw on the reads budget, untouched by uploads.
    const got = await fetch(`${node.url}/attachments/${digest}`);
    expect(got.status).toBe(200);
    expect(sha256hex(new Uint8Array(await got.arrayBuffer()))).toBe(digest);

    // Keyed like the API: another inbox behind the same address has its own budget.
    const other = await post(node, asBody(random(10)), { "x-inbox-id": "ab".repeat(32) });
    expect(other.status).toBe(201);
  });
});
