// Rate limiting on a real node: a flooding client gets 429 (ResourceExhausted +
// retry-after) while a well-behaved client on the same node keeps its latency;
// the client library waits out the retry-after on its own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeClient } from "../../lib/api";
import { startNode, type StartedNode } from "../../server/test/harness";
import { privateMessage, randomGroupId, utf8 } from "../../server/test/helpers";

let node: StartedNode;

beforeAll(async () => {
  node = await startNode({
    env: {
      TRUST_PROXY: "1", // clients are told apart by x-forwarded-for (all run on loopback)
      RATE_LIMIT_READS_PER_MIN: "1200",
      RATE_LIMIT_READ_BURST: "100",
      RATE_LIMIT_WRITES_PER_MIN: "60",
      RATE_LIMIT_WRITE_BURST: "10",
      RATE_LIMIT_IP_MULTIPLIER: "2",
    },
  });
});
afterAll(async () => {
  await node?.stop();
});

function getNodeInfo(ip: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${node.url}/messenger.node.v1.NodeApi/GetNodeInfo`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip, ...headers },
    body: "{}",
  });
}

async function timedCall(ip: string): Promise<number> {
  const t0 = performance.now();
  const res = await getNodeInfo(ip);
  await res.arrayBuffer();
  expect(res.status, "the well-behaved client is never refused").toBe(200);
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The polite client: 40 calls, 10 per second (half its budget). */
async function politeRun(ip: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 40; i++) {
    out.push(await timedCall(ip));
    await sleep(100);
  }
  return out;
}

describe("rate limiting", () => {
  it("answers a flood with 429 + retry-after while a polite client on the same node keeps its p50", async () => {
    const baseline = await politeRun("10.0.0.2");

    let stop = false;
    let ok = 0;
    let refused = 0;
    const retryAfter = new Set<string>();
    const messages = new Set<string>();
    const flooder = async () => {
      while (!stop) {
        const res = await getNodeInfo("10.0.0.1");
        const body = (await res.json()) as { code?: string; message?: string };
        if (res.status === 200) ok++;
        else {
          expect(res.status).toBe(429);
          expect(body.code).toBe("resource_exhausted");
          refused++;
          retryAfter.add(res.headers.get("retry-after") ?? "none");
          messages.add(body.message ?? "");
        }
      }
    };
    const floodStart = performance.now();
    const flood = Array.from({ length: 6 }, flooder);
    await sleep(300);
    const during = await politeRun("10.0.0.2");
    stop = true;
    await Promise.all(flood);
    const floodSeconds = (performance.now() - floodStart) / 1000;

    const p50Base = median(baseline);
    const p50Flood = median(during);
    console.log(
      `rate limit: flood ok ${ok}, refused ${refused}; polite p50 ${p50Base.toFixed(1)} ms alone, ${p50Flood.toFixed(1)} ms under flood`,
    );
    // The flooder got its burst (100) plus the refill (20/s) while it ran, and nothing more.
    expect(ok).toBeGreaterThanOrEqual(100);
    expect(ok).toBeLessThanOrEqual(100 + Math.ceil(20 * floodSeconds) + 1);
    expect(refused).toBeGreaterThan(ok);
    expect([...retryAfter]).toEqual(["1"]);
    expect([...messages][0]).toMatch(/rate limit: too many reads .*retry in 1 s/);
    // Refusals are cheap (decided before the body is read): the polite client barely notices.
    // (The bound leaves room for a machine busy with other work: the flooder runs in this
    // same process and competes with the polite client for its CPU.)
    expect(p50Flood).toBeLessThan(Math.max(4 * p50Base, p50Base + 40));
  }, 60_000);

  it("keys by inbox behind one address: another inbox keeps its budget, forged inboxes cannot exceed the address's total", async () => {
    const ip = "10.0.0.3";
    const inboxA = "a".repeat(64);
    const inboxB = "b".repeat(64);
    const burst = async (inbox: string, n: number) => {
      let okCount = 0;
      for (let i = 0; i < n; i++) {
        const res = await getNodeInfo(ip, { "x-inbox-id": inbox });
        await res.arrayBuffer();
        if (res.status === 200) okCount++;
      }
      return okCount;
    };
    const t0 = Date.now();
    // Its own budget: burst 100 + 20/s refill while it ran. Sent until the first refusal (a
    // fixed count could be all refilled on a slow machine), which must come, and in bounds.
    let a = 0;
    let refused = false;
    while (!refused && a < 1_000) {
      const res = await getNodeInfo(ip, { "x-inbox-id": inboxA });
      await res.arrayBuffer();
      if (res.status === 200) a++;
      else refused = res.status === 429;
    }
    const aSeconds = (Date.now() - t0) / 1000;
    expect(refused).toBe(true);
    expect(a).toBeGreaterThanOrEqual(100);
    expect(a).toBeLessThanOrEqual(100 + Math.ceil(20 * aSeconds) + 1);
    const b = await burst(inboxB, 50); // a second user behind the same NAT is not starved
    expect(b).toBe(50);
    // Forging inbox ids: each is a fresh 100-token bucket, but the address's total
    // (2 × 100 burst, 40/s refill) caps everything sent from it.
    let forged = 0;
    for (let i = 0; i < 10; i++) forged += await burst(i.toString(16).padStart(64, "c"), 20);
    const elapsedS = (Date.now() - t0) / 1000;
    expect(forged).toBeLessThan(200);
    expect(a + b + forged).toBeLessThanOrEqual(200 + Math.ceil(40 * elapsedS) + 2);
  }, 60_000);

  it("counts writes separately, and NodeClient waits out the retry-after and gets through", async () => {
    const client = new NodeClient(node.url, { attempts: 10 }, (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set("x-forwarded-for", "10.0.0.4");
      return fetch(input, { ...init, headers });
    });
    const groupId = randomGroupId();
    const t0 = Date.now();
    // Burst 10 writes, then 1 per second: the 12th send must wait for the refill.
    for (let i = 0; i < 12; i++) {
      await client.sendGroupMessages([
        { data: privateMessage(groupId, utf8(`w${i}`)), shouldPush: false },
      ]);
    }
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(await client.queryGroupMessages(groupId)).toHaveLength(12);
    // Reads from the same client were not charged for those writes.
    expect((await client.getNodeInfo()).maxPageSize).toBe(100);
  }, 60_000);
});
