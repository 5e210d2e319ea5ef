// Three node processes on one PostgreSQL (and on one Redis) give one client ONE
// budget, not three: calls spread round-robin over the nodes, all at once, are
// admitted exactly up to the burst, and another client keeps its own budget. Sends
// too, whose charge the send's own statement takes on PostgreSQL: a refused send
// stores nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { privateMessage, randomGroupId, utf8 } from "../../server/test/helpers";
import { dropSchema, freshSchema, pgNotice, TEST_DATABASE_URL } from "./pg";

pgNotice("three nodes on one PostgreSQL share one rate-limit budget");

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const BURST = 30;
const LIMITS = {
  TRUST_PROXY: "1", // clients are told apart by x-forwarded-for (all run on loopback)
  RATE_LIMIT_READS_PER_MIN: "6", // one token per 10 s: no refill to speak of during the test
  RATE_LIMIT_READ_BURST: String(BURST),
  RATE_LIMIT_WRITES_PER_MIN: "6",
  RATE_LIMIT_WRITE_BURST: String(BURST),
  RATE_LIMIT_IP_MULTIPLIER: "2",
};

/** One SendGroupMessages (Connect JSON) of one message; resolves to the HTTP status. */
function send(url: string, ip: string, data: Uint8Array): Promise<number> {
  return fetch(`${url}/xmtp.mls.api.v1.MlsApi/SendGroupMessages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify({ messages: [{ v1: { data: Buffer.from(data).toString("base64") } }] }),
  }).then(async (res) => {
    await res.arrayBuffer();
    return res.status;
  });
}

/** How many messages the group holds (asked by an address of its own, so no budget is touched). */
async function stored(url: string, groupId: Uint8Array): Promise<number> {
  const res = await fetch(`${url}/xmtp.mls.api.v1.MlsApi/QueryGroupMessages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "192.0.2.99" },
    body: JSON.stringify({
      groupId: Buffer.from(groupId).toString("base64"),
      pagingInfo: { limit: 100 },
    }),
  });
  return ((await res.json()) as { messages?: unknown[] }).messages?.length ?? 0;
}

function getNodeInfo(url: string, ip: string): Promise<number> {
  return fetch(`${url}/messenger.node.v1.NodeApi/GetNodeInfo`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: "{}",
  }).then(async (res) => {
    await res.arrayBuffer();
    return res.status;
  });
}

/** `n` calls from `ip`, round-robin over the nodes, all in flight together. */
async function spread(nodes: StartedNode[], ip: string, n: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) => getNodeInfo(nodes[i % nodes.length]!.url, ip)),
  );
}

describe.runIf(TEST_DATABASE_URL).each(["postgres", "redis"] as const)(
  "rate limits shared by three nodes (%s buckets)",
  (store) => {
    const schema = freshSchema();
    const nodes: StartedNode[] = [];

    beforeAll(async () => {
      const env = {
        ...LIMITS,
        DATABASE_SCHEMA: schema,
        RATE_LIMIT_STORE: store,
        ...(store === "redis" ? { REDIS_URL } : {}),
      };
      nodes.push(
        ...(await Promise.all(
          [0, 1, 2].map(() => startNode({ databaseUrl: TEST_DATABASE_URL, env })),
        )),
      );
    }, 120_000);

    afterAll(async () => {
      await Promise.all(nodes.map((n) => n.stop()));
      await dropSchema(TEST_DATABASE_URL!, schema);
    });

    it("admits one client's burst once across all three nodes, and keeps clients apart", async () => {
      // A fresh address per run: Redis outlives the test's schema.
      const ip = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.1`;
      const statuses = await spread(nodes, ip, BURST * 3);
      expect(statuses.filter((s) => s === 200)).toHaveLength(BURST);
      expect(statuses.filter((s) => s === 429)).toHaveLength(BURST * 2);
      // Every node refuses it now, not just the one that spent the budget.
      for (const n of nodes) expect(await getNodeInfo(n.url, ip)).toBe(429);
      // Another address has its own full budget.
      const other = await spread(nodes, `${ip.slice(0, -1)}2`, BURST);
      expect(other.every((s) => s === 200)).toBe(true);
    });

    it("admits one client's write burst of sends once across all three nodes, and stores only those", async () => {
      const ip = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.3`;
      const groupId = randomGroupId();
      const statuses = await Promise.all(
        Array.from({ length: BURST * 3 }, (_, i) =>
          send(nodes[i % nodes.length]!.url, ip, privateMessage(groupId, utf8(`m${i}`))),
        ),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(BURST);
      expect(statuses.filter((s) => s === 429)).toHaveLength(BURST * 2);
      expect(await stored(nodes[0]!.url, groupId)).toBe(BURST);
      for (const n of nodes)
        expect(await send(n.url, ip, privateMessage(groupId, utf8("late")))).toBe(429);
      expect(await stored(nodes[1]!.url, groupId)).toBe(BURST);
    });

    it("charges invalid sends too, so they cannot be sent past the budget for free", async () => {
      const ip = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.4`;
      const empty = (url: string) =>
        fetch(`${url}/xmtp.mls.api.v1.MlsApi/SendGroupMessages`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": ip },
          body: JSON.stringify({ messages: [] }),
        }).then(async (res) => (await res.arrayBuffer(), res.status));
      const statuses: number[] = [];
      for (let i = 0; i < BURST; i++) statuses.push(await empty(nodes[i % nodes.length]!.url));
      expect(statuses.every((s) => s === 400)).toBe(true);
      // The budget was spent (each charged when its call ended): a valid send is refused.
      // The charge of the last may still be on its way to the database: allow it a moment.
      await new Promise((r) => setTimeout(r, 200));
      expect(await send(nodes[0]!.url, ip, privateMessage(randomGroupId(), utf8("x")))).toBe(429);
    });
  },
);
