// Writes pay by size: a request costs one write token per started MiB of what it
// stores (after decompression), like attachment uploads, so a client sending large
// messages runs out of its write budget in proportion to the bytes, not the calls.
import { randomBytes } from "node:crypto";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { compressionGzip, createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MlsApi } from "../../lib/proto/mls/api/v1/mls_pb";
import { startNode, type StartedNode } from "../../server/test/harness";
import { privateMessage, randomGroupId } from "../../server/test/helpers";
import { pgNotice, TEST_DATABASE_URL } from "./pg";

pgNotice("write cost by size with buckets in PostgreSQL");

let node: StartedNode;
const BURST = 12;
const LIMITS = {
  TRUST_PROXY: "1", // senders told apart by x-forwarded-for (all on loopback)
  RATE_LIMIT_WRITES_PER_MIN: "6", // one token per 10 s: no refill worth counting here
  RATE_LIMIT_WRITE_BURST: String(BURST),
  RATE_LIMIT_IP_MULTIPLIER: "1",
};
// In memory (the gate takes a token, the interceptor the rest), and in PostgreSQL, where
// the send's own statement takes the whole charge (api/write-charge.ts).
const BUCKETS = [
  { buckets: "in memory", databaseUrl: undefined },
  ...(TEST_DATABASE_URL ? [{ buckets: "in PostgreSQL", databaseUrl: TEST_DATABASE_URL }] : []),
];

function mlsFrom(ip: string, gzip = false) {
  const forwarded: Interceptor = (next) => (req) => {
    req.header.set("x-forwarded-for", ip);
    return next(req);
  };
  return createClient(
    MlsApi,
    createConnectTransport({
      baseUrl: node.url,
      httpVersion: "1.1",
      useBinaryFormat: true,
      interceptors: [forwarded],
      ...(gzip ? { sendCompression: compressionGzip } : {}),
    }),
  );
}

/** One SendGroupMessages call with `count` messages of `bytes` ciphertext each. */
function send(
  mls: ReturnType<typeof mlsFrom>,
  count: number,
  bytes: number,
  fill: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n)),
) {
  const groupId = randomGroupId();
  return mls.sendGroupMessages({
    messages: Array.from({ length: count }, () => ({
      version: {
        case: "v1" as const,
        value: { data: privateMessage(groupId, fill(bytes)) },
      },
    })),
  });
}

async function accepted(
  n: number,
  call: () => Promise<unknown>,
): Promise<{ ok: number; last?: Error }> {
  let ok = 0;
  let last: Error | undefined;
  for (let i = 0; i < n; i++) {
    try {
      await call();
      ok++;
    } catch (err) {
      last = err as Error;
    }
  }
  return { ok, last };
}

describe.each(BUCKETS)("write cost by size, buckets $buckets", ({ databaseUrl }) => {
  beforeAll(async () => {
    node = await startNode({ databaseUrl, env: LIMITS });
  });
  afterAll(async () => {
    await node?.stop();
  });

  it("largeMessagesExhaustTheWriteBudgetPerMiB: 3-MiB requests get a third of the calls 1-MiB ones get, small ones the whole burst", async () => {
    // ~2.9 MB per call (3 started MiB): BURST / 3 calls.
    const big = await accepted(BURST, () => send(mlsFrom("192.0.2.1"), 3, 950_000));
    // ~0.95 MB per call (1 started MiB): BURST calls.
    const one = await accepted(BURST, () => send(mlsFrom("192.0.2.2"), 1, 950_000));
    // Small messages: one token each.
    const small = await accepted(BURST, () => send(mlsFrom("192.0.2.3"), 5, 200));
    console.log(
      `write cost: 3-MiB calls ${big.ok}, 1-MiB calls ${one.ok}, small calls ${small.ok} of ${BURST}`,
    );
    expect(big.ok).toBe(BURST / 3);
    expect(big.last?.message).toMatch(/resource_exhausted.*too many writes.*per started MiB/i);
    expect(one.ok).toBe(BURST);
    expect(small.ok).toBe(BURST);
  }, 60_000);

  it("compressedBodyPaysForWhatItStores: a gzip body of zeros costs its decoded size, not its wire size", async () => {
    // 3 × 950 kB of (almost) zeros gzip to a few kB on the wire, and store 2.85 MB.
    const zeros = (n: number) => {
      const b = new Uint8Array(n);
      b.set(randomBytes(16)); // distinct messages (identical ones are stored once)
      return b;
    };
    const mls = mlsFrom("192.0.2.4", true);
    const r = await accepted(BURST, () => send(mls, 3, 950_000, zeros));
    expect(r.ok).toBe(BURST / 3);
    expect(r.last?.message).toMatch(/resource_exhausted.*too many writes/i);
  }, 60_000);
});
