// Behind TRUST_PROXY the rate-limit key is the hop our proxy appended, never what the
// client wrote into X-Forwarded-For, and a whole IPv6 /64 is one client. The test
// plays the proxy: it appends the "real" address after whatever the client sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";

let node: StartedNode;
const BURST = 10;

beforeAll(async () => {
  node = await startNode({
    env: {
      TRUST_PROXY: "1",
      RATE_LIMIT_READS_PER_MIN: "60",
      RATE_LIMIT_READ_BURST: String(BURST),
      RATE_LIMIT_IP_MULTIPLIER: "1",
    },
  });
});
afterAll(async () => {
  await node?.stop();
});

async function getNodeInfo(xff: string): Promise<number> {
  const res = await fetch(`${node.url}/messenger.node.v1.NodeApi/GetNodeInfo`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": xff },
    body: "{}",
  });
  await res.arrayBuffer();
  return res.status;
}

async function countOk(n: number, xff: (i: number) => string): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i++) if ((await getNodeInfo(xff(i))) === 200) ok++;
  return ok;
}

describe("client address behind a trusted proxy", () => {
  it("spoofedForwardedForCannotMintFreshBudgets: a client rotating the leftmost X-Forwarded-For entry stays one client", async () => {
    // The client writes a new fake address each time; the proxy appends the real one.
    const ok = await countOk(3 * BURST, (i) => `198.51.100.${i}, 203.0.113.7`);
    expect(ok).toBeGreaterThanOrEqual(BURST);
    expect(ok).toBeLessThanOrEqual(BURST + 1); // one token may refill during the run
    // Another real client behind the same proxy still has its whole budget.
    expect(await countOk(BURST, () => "198.51.100.1, 203.0.113.8")).toBe(BURST);
  }, 30_000);

  it("ipv6AddressesInOneSlash64ShareABudget: rotating the interface id does not escape the limit", async () => {
    const ok = await countOk(3 * BURST, (i) => `2001:db8:aa:bb::${(i + 1).toString(16)}`);
    expect(ok).toBeLessThanOrEqual(BURST + 1);
    // The next /64 is someone else.
    expect(await countOk(BURST, () => "2001:db8:aa:bc::1")).toBe(BURST);
  }, 30_000);

  it("ipv4MappedIpv6IsTheIpv4Client: ::ffff:a.b.c.d and a.b.c.d share one budget", async () => {
    const ok = await countOk(2 * BURST, (i) => (i % 2 === 0 ? "192.0.2.44" : "::ffff:192.0.2.44"));
    expect(ok).toBeLessThanOrEqual(BURST + 1);
  }, 30_000);
});
