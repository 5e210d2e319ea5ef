// lib/api's uploadAttachment / downloadAttachment against a REAL node process:
// the client a browser tab or a Node bot uses to send remote attachments.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, downloadAttachment, uploadAttachment } from "../../../lib/api";
import { startNode, type StartedNode } from "../../test/harness";

const sha256hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const random = (n: number) => new Uint8Array(randomBytes(n));
/** A fresh x-inbox-id: its own write bucket on the node. */
const newInbox = () => randomBytes(32).toString("hex");
const MAX = 256 * 1024;

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe("uploadAttachment / downloadAttachment with a real node", () => {
  let node: StartedNode;

  beforeAll(async () => {
    node = await startNode({
      env: {
        ATTACHMENTS_MAX_BYTES: String(MAX),
        // One write per second, two in a burst, per inbox; the address total is far away.
        RATE_LIMIT_WRITES_PER_MIN: "60",
        RATE_LIMIT_WRITE_BURST: "2",
        RATE_LIMIT_IP_MULTIPLIER: "1000",
      },
    });
  });
  afterAll(async () => {
    await node?.stop();
  });

  it("uploads, returns the URL and SHA-256, and downloads the identical bytes", async () => {
    const payload = random(100_000);
    const progress: [number, number][] = [];
    const up = await uploadAttachment(node.url, payload, {
      inboxId: newInbox(),
      onProgress: (sent, total) => progress.push([sent, total]),
    });
    expect(up).toEqual({
      url: `${node.url}/attachments/${sha256hex(payload)}`,
      digest: sha256hex(payload),
      size: 100_000,
    });
    // No XMLHttpRequest in Node: the start and the end.
    expect(progress).toEqual([
      [0, 100_000],
      [100_000, 100_000],
    ]);
    const down = await downloadAttachment(up.url, up.digest);
    expect(Buffer.from(down).equals(payload)).toBe(true);
  });

  it("gives the same URL for the same bytes (uploads are idempotent)", async () => {
    const payload = random(1000);
    const inboxId = newInbox();
    const a = await uploadAttachment(node.url, payload, { inboxId });
    const b = await uploadAttachment(`${node.url}/`, payload, { inboxId });
    expect(b.url).toBe(a.url);
  });

  it("fails over the node's cap with resource_exhausted naming both sizes, without retrying", async () => {
    let requests = 0;
    const err = await rejection(
      uploadAttachment(node.url, random(MAX + 10), {
        inboxId: newInbox(),
        fetch: (input, init) => {
          requests++;
          return fetch(input, init);
        },
      }),
    );
    expect(err).toMatchObject({ code: "resource_exhausted", retryable: false });
    expect(err.message).toBe(
      `UploadAttachment: attachment is ${MAX + 10} bytes; the limit is ${MAX} bytes`,
    );
    expect(requests).toBe(1);
  });

  it("waits out a 429 for the node's retry-after, then succeeds", async () => {
    const inboxId = newInbox();
    await uploadAttachment(node.url, random(10), { inboxId });
    await uploadAttachment(node.url, random(10), { inboxId }); // the burst is spent
    const started = Date.now();
    const up = await uploadAttachment(node.url, random(10), { inboxId, baseMs: 1, maxMs: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // retry-after: 1 s
    expect(up.size).toBe(10);
  });

  it("rejects with canceled when aborted mid-request, before sending, or while waiting to retry", async () => {
    const ctrl = new AbortController();
    const mid = await rejection(
      uploadAttachment(node.url, random(200_000), {
        inboxId: newInbox(),
        signal: ctrl.signal,
        fetch: (input, init) => {
          const sent = fetch(input, init);
          ctrl.abort();
          return sent;
        },
      }),
    );
    expect(mid).toMatchObject({ code: "canceled", retryable: false });

    const before = await rejection(
      uploadAttachment(node.url, random(10), { signal: AbortSignal.abort() }),
    );
    expect(before.code).toBe("canceled");

    const inboxId = newInbox();
    await uploadAttachment(node.url, random(10), { inboxId });
    await uploadAttachment(node.url, random(10), { inboxId });
    const waiting = new AbortController();
    setTimeout(() => waiting.abort(), 200);
    const started = Date.now();
    const during = await rejection(
      uploadAttachment(node.url, random(10), { inboxId, signal: waiting.signal }),
    );
    expect(during.code).toBe("canceled");
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("refuses to download bytes whose SHA-256 is not the announced digest", async () => {
    const up = await uploadAttachment(node.url, random(500), { inboxId: newInbox() });
    const other = sha256hex(random(500));
    const err = await rejection(downloadAttachment(up.url, other));
    expect(err.code).toBe("data_loss");
    expect(err.message).toContain(other);
    const missing = await rejection(downloadAttachment(`${node.url}/attachments/${other}`, other));
    expect(missing).toMatchObject({ code: "not_found", retryable: false });
  });
});
