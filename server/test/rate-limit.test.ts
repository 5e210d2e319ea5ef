// The token buckets alone (a fake clock): refill, two buckets per call, retry-after,
// idle eviction and the hard cap on memory.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { isWrite, TokenBucketLimiter } from "../api/rate-limit";
import type { RateLimitConfig } from "../config";

const config = (over: Partial<RateLimitConfig> = {}): RateLimitConfig => ({
  readsPerMin: 60,
  readBurst: 5,
  writesPerMin: 6,
  writeBurst: 2,
  ipMultiplier: 2,
  maxBuckets: 1000,
  ...over,
});

function refusal(fn: () => void): ConnectError {
  try {
    fn();
  } catch (err) {
    return err as ConnectError;
  }
  throw new Error("expected a refusal");
}

const read = (peer: string, inbox?: string) => ({
  procedure: "GetNodeInfo",
  peer,
  inbox,
  streaming: false,
});
const write = (peer: string) => ({ procedure: "SendGroupMessages", peer, streaming: false });

describe("TokenBucketLimiter", () => {
  it("allows the burst, then refuses with ResourceExhausted and a retry-after in whole seconds, then refills", () => {
    let now = 0;
    const l = new TokenBucketLimiter(config(), () => now);
    for (let i = 0; i < 5; i++) l.check(read("1.1.1.1"));
    const err = refusal(() => l.check(read("1.1.1.1")));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.metadata.get("retry-after")).toBe("1"); // 1 token per second
    expect(err.rawMessage).toMatch(/too many reads .*60\/min.*retry in 1 s/);
    now += 1000;
    l.check(read("1.1.1.1"));
    expect(() => l.check(read("1.1.1.1"))).toThrow(ConnectError);
    l.close();
  });

  it("keeps reads and writes apart, and clients apart", () => {
    const l = new TokenBucketLimiter(config(), () => 0);
    l.check(write("a"));
    l.check(write("a"));
    const err = refusal(() => l.check(write("a")));
    expect(err.metadata.get("retry-after")).toBe("10"); // 6/min = one per 10 s
    expect(err.rawMessage).toMatch(/too many writes/);
    l.check(read("a")); // reads untouched
    l.check(write("b")); // another client untouched
    expect(isWrite("xmtp.identity.api.v1.IdentityApi/PublishIdentityUpdate")).toBe(true);
    expect(isWrite("Subscribe")).toBe(false);
    l.close();
  });

  it("caps one address at ipMultiplier budgets however many inbox ids it claims, and refusals cost nothing", () => {
    const l = new TokenBucketLimiter(config(), () => 0);
    let ok = 0;
    for (let i = 0; i < 40; i++) {
      try {
        l.check(read("9.9.9.9", i.toString(16).padStart(64, "0")));
        ok++;
      } catch {
        /* refused */
      }
    }
    expect(ok).toBe(10); // 2 × burst 5
    // An ill-formed inbox header is ignored (keyed as "no inbox").
    const l2 = new TokenBucketLimiter(config(), () => 0);
    for (let i = 0; i < 5; i++) l2.check(read("8.8.8.8", `junk${i}`));
    expect(() => l2.check(read("8.8.8.8", "junk9"))).toThrow(ConnectError);
    l.close();
    l2.close();
  });

  it("forgets buckets that have refilled, and never holds more than maxBuckets", () => {
    let now = 0;
    const l = new TokenBucketLimiter(config({ maxBuckets: 100 }), () => now);
    for (let i = 0; i < 500; i++) l.check(read(`10.0.${i >> 8}.${i & 255}`));
    expect(l.size).toBeLessThanOrEqual(100);
    now += 60_000; // everyone refilled
    l.sweep();
    expect(l.size).toBe(0);
    l.close();
  });

  it("charges a refused call that asks for debt anyway, so the caller's next calls wait for it", () => {
    let now = 0;
    const l = new TokenBucketLimiter(config({ readBurst: 10 }), () => now); // 1 token/s
    for (let i = 0; i < 4; i++) l.check(read("7.7.7.7")); // 6 left
    const big = { ...read("7.7.7.7"), cost: 8, debt: true };
    expect(refusal(() => l.check(big)).code).toBe(Code.ResourceExhausted);
    // 6 - 8 = -2: even a one-token call now waits 3 s.
    expect(refusal(() => l.check(read("7.7.7.7"))).metadata.get("retry-after")).toBe("3");
    now += 3000;
    l.check(read("7.7.7.7"));
    // Debt is at most one burst deep; without `debt` a refusal costs nothing.
    const l2 = new TokenBucketLimiter(config({ readBurst: 10 }), () => now);
    expect(() => l2.check({ ...read("6.6.6.6"), cost: 11, debt: false })).not.toThrow(); // capped at 10
    expect(() => l2.check({ ...read("6.6.6.6"), cost: 5 })).toThrow(ConnectError);
    l2.check({ ...read("5.5.5.5"), cost: 10 });
    expect(() => l2.check({ ...read("5.5.5.5"), cost: 10, debt: true })).toThrow(ConnectError);
    now += 10_000; // refills from -10 to 0: still nothing
    expect(() => l2.check(read("5.5.5.5"))).toThrow(ConnectError);
    now += 1000;
    l2.check(read("5.5.5.5"));
    l.close();
    l2.close();
  });
});
