import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { ApiError, AsyncQueue, backoffDelay, withRetry } from "../index";

describe("ApiError", () => {
  it("maps Connect codes to stable codes and keeps the node's sentence", () => {
    const err = ApiError.from(
      new ConnectError("message is 2000000 bytes; the limit is 1048214", Code.InvalidArgument),
      "SendGroupMessages",
    );
    expect(err.code).toBe("invalid_argument");
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("1048214");
  });

  it("reads the node's retry-after hint on ResourceExhausted", () => {
    const ce = new ConnectError("slow down", Code.ResourceExhausted);
    ce.metadata.set("retry-after", "2");
    const err = ApiError.from(ce, "QueryGroupMessages");
    expect(err).toMatchObject({ code: "resource_exhausted", retryable: true, retryAfterMs: 2000 });
  });

  it("does not retry a 429 that carries no retry-after (a request too large to ever pass)", () => {
    const err = ApiError.from(
      new ConnectError("body too large", Code.ResourceExhausted),
      "SendGroupMessages",
    );
    expect(err).toMatchObject({ code: "resource_exhausted", retryable: false });
  });
});

describe("withRetry", () => {
  it("retries a retryable failure and returns the later success", async () => {
    let calls = 0;
    const result = await withRetry(
      "X",
      async () => {
        if (++calls < 3) throw new ConnectError("busy", Code.Unavailable);
        return "ok";
      },
      { baseMs: 1, maxMs: 2 },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
  });

  it("does not retry an RPC the node does not implement (an older node)", async () => {
    let calls = 0;
    await expect(
      withRetry(
        "BatchQueryCommitLog",
        async () => {
          calls++;
          throw new ConnectError("not an RPC this node implements", Code.Unimplemented);
        },
        { baseMs: 1, maxMs: 2 },
      ),
    ).rejects.toMatchObject({ code: "unimplemented", retryable: false });
    expect(calls).toBe(1);
  });

  it("does not retry a bad request", async () => {
    let calls = 0;
    await expect(
      withRetry("X", async () => {
        calls++;
        throw new ConnectError("bad field", Code.InvalidArgument);
      }),
    ).rejects.toMatchObject({ code: "invalid_argument" });
    expect(calls).toBe(1);
  });
});

describe("backoffDelay", () => {
  it("stays within the exponential ceiling and the cap", () => {
    for (let attempt = 0; attempt < 30; attempt++) {
      const d = backoffDelay(attempt, { baseMs: 100, maxMs: 5000 });
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(Math.min(5000, 100 * 2 ** attempt));
    }
  });
});

describe("AsyncQueue", () => {
  it("hands items to a waiting consumer in order and ends cleanly", async () => {
    const q = new AsyncQueue<number>();
    const first = q.next();
    q.push(1);
    q.push(2);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
    q.end();
    expect((await q.next()).done).toBe(true);
  });
});

describe("AsyncQueue.drop", () => {
  it("removes only the selected queued items and keeps the others in order", async () => {
    const q = new AsyncQueue<string>();
    for (const x of ["g1:5", "w:1", "g1:6", "g2:1"]) q.push(x);
    q.drop((x) => x.startsWith("g1:"));
    expect(await q.next()).toEqual({ value: "w:1", done: false });
    expect(await q.next()).toEqual({ value: "g2:1", done: false });
    expect(q.size).toBe(0);
  });
});
