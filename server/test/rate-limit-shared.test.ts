// The shared bucket stores on their own (real PostgreSQL, real Redis): the same rules
// as the in-memory buckets (rate-limit.test.ts): an address's total across inbox ids,
// refusals that cost nothing (a bucket that could pay is refunded), debt when asked;
// and a send's charge taken by the send's own statement, with the same rules.
import { Code, ConnectError, createContextValues, type HandlerContext } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresRateLimiter } from "../api/rate-limit-postgres";
import { RedisRateLimiter } from "../api/rate-limit-redis";
import { writeChargeKey, type RateLimiter } from "../api/rate-limit";
import { chargedWrite } from "../api/write-charge";
import type { RateLimitConfig } from "../config";
import { openStore, type Store } from "../store";
import { openPostgres } from "../store/pg-driver";
import type { Driver } from "../store/driver";
import { dropSchema, freshSchema } from "./pg-schema";
import { utf8 } from "./helpers";
import { TEST_DATABASE_URL } from "./stores";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const config: RateLimitConfig = {
  readsPerMin: 6, // one token per 10 s: the test never sees a refill
  readBurst: 5,
  writesPerMin: 6,
  writeBurst: 2,
  ipMultiplier: 2,
  maxBuckets: 1000,
};
const inboxOf = (i: number) => i.toString(16).padStart(64, "0");
const read = (peer: string, inbox?: string, extra = {}) => ({
  procedure: "GetNodeInfo",
  peer,
  inbox,
  streaming: false,
  ...extra,
});

async function admitted(l: RateLimiter, calls: ReturnType<typeof read>[]): Promise<number> {
  const out = await Promise.allSettled(calls.map((c) => l.check(c)));
  for (const o of out) {
    if (o.status === "rejected")
      expect(ConnectError.from(o.reason).code).toBe(Code.ResourceExhausted);
  }
  return out.filter((o) => o.status === "fulfilled").length;
}

describe.runIf(TEST_DATABASE_URL).each(["postgres", "redis"] as const)("%s buckets", (kind) => {
  const schema = freshSchema();
  let db: Driver;
  let l: RateLimiter;
  const peer = () => `192.0.2.${Math.floor(Math.random() * 250)}-${Date.now()}`;

  beforeAll(async () => {
    db = await openPostgres(TEST_DATABASE_URL!, schema);
    l =
      kind === "postgres"
        ? await PostgresRateLimiter.open(config, db)
        : await RedisRateLimiter.open({ ...config, redisUrl: REDIS_URL });
  });
  afterAll(async () => {
    await l?.close?.();
    await db?.close();
    await dropSchema(TEST_DATABASE_URL!, schema);
  });

  it("caps one address at ipMultiplier budgets however many inbox ids it claims, concurrently", async () => {
    const p = peer();
    expect(
      await admitted(
        l,
        Array.from({ length: 40 }, (_, i) => read(p, inboxOf(i))),
      ),
    ).toBe(10);
  });

  it("refuses with retry-after naming the budget, and a refusal costs the client nothing", async () => {
    const p = peer();
    // Two inboxes spend the address's total (2 × 5)...
    expect(
      await admitted(
        l,
        Array.from({ length: 10 }, (_, i) => read(p, inboxOf(i % 2))),
      ),
    ).toBe(10);
    // ...so a third inbox, full itself, is refused by the address bucket.
    let err: ConnectError | undefined;
    try {
      await l.check(read(p, inboxOf(7)));
    } catch (e) {
      err = ConnectError.from(e);
    }
    expect(err?.code).toBe(Code.ResourceExhausted);
    expect(err?.metadata.get("retry-after")).toBe("5"); // the address refills 2 × 6/min
    expect(err?.rawMessage).toMatch(/too many reads .*6\/min/);
    // Its own bucket could have paid, and was refunded: it still holds the whole burst.
    if (kind === "postgres") {
      const rows = await db.query<{ tokens: number }>(
        "SELECT tokens FROM rate_buckets WHERE key = $1",
        [`r|${p}|${inboxOf(7)}`],
      );
      expect(rows[0]?.tokens).toBe(5);
    }
  });

  it("charges a refused call that asks for debt, so the next one-token call waits for it", async () => {
    const p = peer();
    expect(
      await admitted(
        l,
        Array.from({ length: 2 }, () => read(p)),
      ),
    ).toBe(2); // 3 left
    await expect(l.check(read(p, undefined, { cost: 5, debt: true }))).rejects.toThrow(
      ConnectError,
    );
    // 3 - 5 = -2: a one-token call now needs 3 tokens' refill, 30 s.
    const err = await Promise.resolve(l.check(read(p))).then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    expect(err?.metadata.get("retry-after")).toBe("30");
  });
});

describe.runIf(TEST_DATABASE_URL)("postgres buckets, calls merged into few statements", () => {
  const schema = freshSchema();
  let db: Driver;
  let l: PostgresRateLimiter;
  let statements = 0;

  beforeAll(async () => {
    const real = await openPostgres(TEST_DATABASE_URL!, schema);
    // The real driver, counting the statements that reach PostgreSQL.
    db = {
      ...real,
      query: (text, params) => (statements++, real.query(text, params)),
      prepared: (text, params) => (statements++, real.prepared(text, params)),
    };
    l = await PostgresRateLimiter.open(config, db);
  });
  afterAll(async () => {
    l?.close();
    await db?.close();
    await dropSchema(TEST_DATABASE_URL!, schema);
  });

  it("charges 240 concurrent calls of 20 clients exactly, in a few statements, refunds included", async () => {
    const peers = Array.from({ length: 20 }, (_, i) => `198.51.100.${i}-${Date.now()}`);
    // Each address: 12 calls over 3 inbox ids (4 each, under the inbox burst of 5), so
    // the address total (2 × 5) refuses exactly 2, whose inbox buckets paid and are refunded.
    const calls = peers.flatMap((p) =>
      Array.from({ length: 12 }, (_, i) => read(p, inboxOf(i % 3))),
    );
    statements = 0;
    const out = await Promise.allSettled(calls.map((c) => l.check(c)));
    const took = statements;
    for (const p of peers) {
      const mine = out.filter((_, i) => calls[i]!.peer === p);
      expect(mine.filter((o) => o.status === "fulfilled")).toHaveLength(10);
      const left = await db.query<{ tokens: number }>(
        "SELECT tokens FROM rate_buckets WHERE key LIKE $1",
        [`r|${p}|%`],
      );
      // 3 inbox buckets of 5 paid 10 calls between them: the 2 refused were refunded (without
      // refunds 3 would be left); the rest is what refilled meanwhile (0.1 token/s each).
      const sum = left.reduce((n, r) => n + Number(r.tokens), 0);
      expect(sum).toBeGreaterThanOrEqual(15 - 10);
      expect(sum).toBeLessThan(15 - 10 + 1);
    }
    // One statement per call would be 240 (plus refunds); merged, each address's 12
    // calls share its bucket, so they need at least 12 rounds, a few more as calls trickle in.
    expect(took).toBeLessThan(80);
  });
});

describe.runIf(TEST_DATABASE_URL)("postgres buckets charged by the send's own statement", () => {
  const schema = freshSchema();
  let store: Store;
  let l: PostgresRateLimiter;

  beforeAll(async () => {
    ({ store } = await openStore({
      dataDir: "",
      databaseUrl: TEST_DATABASE_URL,
      databaseSchema: schema,
    }));
    l = await PostgresRateLimiter.open(config, store.driver);
  });
  afterAll(async () => {
    l?.close();
    await store?.close();
    await dropSchema(TEST_DATABASE_URL!, schema);
  });

  it("stores nothing of a refused send, refunds the bucket that could pay, and refuses the next at once", async () => {
    const p = `203.0.113.7-${Date.now()}`;
    const groupId = crypto.getRandomValues(new Uint8Array(16));
    /** A send as the handler runs it: the gate's deferred charge, taken by the insert. */
    const sendAs = async (inbox: string, text: string) => {
      const call = { procedure: "SendGroupMessages", peer: p, inbox, streaming: false };
      try {
        const deferred = l.deferWrite(call)!;
        const ctx = { values: createContextValues().set(writeChargeKey, deferred) };
        await chargedWrite(ctx as HandlerContext, (charge) =>
          store.publishGroupMessages(
            [{ groupId, data: utf8(text), senderHmac: new Uint8Array(), shouldPush: false }],
            charge,
          ),
        );
        return "stored";
      } catch (e) {
        return ConnectError.from(e).code === Code.ResourceExhausted ? "refused" : String(e);
      }
    };
    // Writes: burst 2 per inbox, 4 per address. Two inboxes spend the address's total...
    const spent = await Promise.all(
      Array.from({ length: 4 }, (_, i) => sendAs(inboxOf(i % 2), `m${i}`)),
    );
    expect(spent).toEqual(["stored", "stored", "stored", "stored"]);
    // ...so a third inbox's send, which its own bucket could pay, is refused by the address's.
    expect(await sendAs(inboxOf(3), "refused")).toBe("refused");
    const stored = await store.queryGroupMessages(groupId, {
      cursor: 0n,
      limit: 10,
      direction: "asc",
    });
    expect(stored.map((r) => new TextDecoder().decode(r.data)).sort()).toEqual([
      "m0",
      "m1",
      "m2",
      "m3",
    ]);
    const [own] = await store.driver.query<{ tokens: number }>(
      "SELECT tokens FROM rate_buckets WHERE key = $1",
      [`w|${p}|${inboxOf(3)}`],
    );
    expect(own?.tokens).toBe(2); // refunded: the refusal cost it nothing
    // The address is known short of a token: the next send is refused before any statement
    // (which would have made the new inbox's bucket).
    expect(await sendAs(inboxOf(4), "early")).toBe("refused");
    expect(
      await store.driver.query("SELECT 1 FROM rate_buckets WHERE key = $1", [
        `w|${p}|${inboxOf(4)}`,
      ]),
    ).toHaveLength(0);
  });
});
