// Uploads pay the write bucket per MiB (api/rate-limit.ts `cost`): a big upload
// uses up more of the budget, yet one larger than the burst can still pass.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { TokenBucketLimiter } from "../../api/rate-limit";
import { UPLOAD_PROCEDURE } from "../http";

const upload = (cost: number) => ({
  procedure: UPLOAD_PROCEDURE,
  peer: "10.0.0.1",
  streaming: false,
  cost,
});

describe("upload cost in the token buckets", () => {
  it("takes `cost` write tokens, and names the wait for that many", () => {
    let now = 0;
    const l = new TokenBucketLimiter(
      {
        readsPerMin: 60,
        readBurst: 5,
        writesPerMin: 60,
        writeBurst: 4,
        ipMultiplier: 4,
        maxBuckets: 100,
      },
      () => now,
    );
    l.check(upload(3));
    let err: unknown;
    try {
      l.check(upload(3)); // 1 token left, 3 needed: 2 s at one per second
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.ResourceExhausted);
    expect((err as ConnectError).metadata.get("retry-after")).toBe("2");
    l.check({ procedure: "GetAttachment", peer: "10.0.0.1", streaming: false }); // reads apart
    now += 2000;
    l.check(upload(3));
    // More than the burst is charged as the whole burst, so it can pass once refilled.
    now += 60_000;
    l.check(upload(100));
    expect(() => l.check(upload(1))).toThrow(ConnectError);
    l.close();
  });
});
