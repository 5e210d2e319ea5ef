// The attachment client against servers that misbehave in ways the real node
// never does (a lying or failing node, a swapped file): it must notice.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { sha256, toHex } from "../../crypto";
import { ApiError, downloadAttachment, uploadAttachment } from "../index";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

const servers: http.Server[] = [];

/** A real HTTP server on 127.0.0.1 answering with `handler`; returns its base URL. */
async function serve(handler: Handler): Promise<string> {
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => handler(req, res, Buffer.concat(parts)));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const json = (res: http.ServerResponse, status: number, body: unknown, headers = {}) =>
  res
    .writeHead(status, { "content-type": "application/json", ...headers })
    .end(JSON.stringify(body));

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

const payload = new TextEncoder().encode("ciphertext, as far as the node knows");
const digest = toHex(sha256(payload));

describe("uploadAttachment", () => {
  it("refuses a base URL that is not http(s) and an empty payload, before any request", async () => {
    const bad = await rejection(uploadAttachment("ftp://node", payload));
    expect(bad).toMatchObject({ code: "invalid_argument" });
    expect(bad.message).toContain('"ftp://node"');
    const empty = await rejection(uploadAttachment("http://127.0.0.1:9", new Uint8Array()));
    expect(empty.message).toMatch(/empty/);
  });

  it("sends the raw bytes as octet-stream with the inbox header", async () => {
    let seen: { type?: string; inbox?: string; body?: Buffer } = {};
    const base = await serve((req, res, body) => {
      seen = {
        type: req.headers["content-type"],
        inbox: req.headers["x-inbox-id"] as string,
        body,
      };
      json(res, 201, {
        digest,
        size: body.length,
        url: `https://cdn.example/attachments/${digest}`,
      });
    });
    const up = await uploadAttachment(base, payload, { inboxId: "ab".repeat(32) });
    expect(up).toEqual({
      url: `https://cdn.example/attachments/${digest}`,
      digest,
      size: payload.length,
    });
    expect(seen.type).toBe("application/octet-stream");
    expect(seen.inbox).toBe("ab".repeat(32));
    expect(seen.body?.equals(payload)).toBe(true);
  });

  it("fails with data_loss when the node reports a digest or size other than what was sent", async () => {
    const wrong = "00".repeat(32);
    const base = await serve((_req, res, body) =>
      json(res, 201, { digest: wrong, size: body.length, url: `http://x/attachments/${wrong}` }),
    );
    const err = await rejection(uploadAttachment(base, payload));
    expect(err).toMatchObject({ code: "data_loss", retryable: false });
    expect(err.message).toContain(wrong);
    expect(err.message).toContain(digest);
  });

  it("fails when the node's URL is not an http(s) URL for this digest", async () => {
    const base = await serve((_req, res, body) =>
      json(res, 201, {
        digest,
        size: body.length,
        url: `javascript:alert(1)//attachments/${digest}`,
      }),
    );
    const err = await rejection(uploadAttachment(base, payload));
    expect(err.message).toMatch(/unusable URL/);
  });

  it("retries a node that is briefly unavailable, and not one that refuses the request", async () => {
    let calls = 0;
    const flaky = await serve((_req, res, body) => {
      if (++calls < 3) return json(res, 503, { code: "unavailable", message: "shutting down" });
      json(res, 201, { digest, size: body.length, url: `http://n/attachments/${digest}` });
    });
    expect((await uploadAttachment(flaky, payload, { baseMs: 1, maxMs: 2 })).digest).toBe(digest);
    expect(calls).toBe(3);

    let refusals = 0;
    const strict = await serve((_req, res) => {
      refusals++;
      json(res, 400, { code: "invalid_argument", message: "attachment is empty (0 bytes)" });
    });
    const err = await rejection(uploadAttachment(strict, payload, { baseMs: 1 }));
    expect(err).toMatchObject({ code: "invalid_argument", retryable: false });
    expect(err.message).toBe("UploadAttachment: attachment is empty (0 bytes)");
    expect(refusals).toBe(1);
  });

  it("reports an unreachable node as unavailable after its attempts", async () => {
    const base = await serve(() => undefined);
    servers[0]!.closeAllConnections();
    await new Promise((r) => servers.shift()!.close(r));
    const err = await rejection(uploadAttachment(base, payload, { attempts: 2, baseMs: 1 }));
    expect(err).toMatchObject({ code: "unavailable", retryable: true });
    expect(err.message).toContain(base);
  });
});

describe("downloadAttachment", () => {
  it("returns bytes that match the digest, refuses swapped bytes and oversized bodies", async () => {
    let served: Uint8Array = payload;
    const base = await serve((_req, res) =>
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(served),
    );
    const url = `${base}/attachments/${digest}`;
    expect(Buffer.from(await downloadAttachment(url, digest)).equals(payload)).toBe(true);
    expect((await downloadAttachment(url, digest.toUpperCase())).length).toBe(payload.length);

    const tooSmall = await rejection(downloadAttachment(url, digest, { maxBytes: 5 }));
    expect(tooSmall).toMatchObject({ code: "resource_exhausted", retryable: false });
    expect(tooSmall.message).toMatch(/is \d+ bytes; the limit is 5 bytes/);

    served = new TextEncoder().encode("something else entirely");
    const swapped = await rejection(downloadAttachment(url, digest));
    expect(swapped).toMatchObject({ code: "data_loss", retryable: false });
  });

  it("refuses a malformed digest or URL up front", async () => {
    expect((await rejection(downloadAttachment("http://x/a", "abc"))).code).toBe(
      "invalid_argument",
    );
    expect((await rejection(downloadAttachment("file:///etc/passwd", digest))).code).toBe(
      "invalid_argument",
    );
  });
});

describe("ApiError for cancellation and corruption", () => {
  it("maps Connect's Canceled and DataLoss to non-retryable codes", () => {
    expect(ApiError.from(new ConnectError("x", Code.Canceled), "X")).toMatchObject({
      code: "canceled",
      retryable: false,
    });
    expect(ApiError.from(new ConnectError("x", Code.DataLoss), "X")).toMatchObject({
      code: "data_loss",
      retryable: false,
    });
  });
});
