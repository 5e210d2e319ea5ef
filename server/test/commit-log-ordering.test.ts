// Commit log ordering under concurrent publishers, and its write budget, on real
// node processes. With PostgreSQL, two nodes share one database: publishers write
// through both while a reader pages with a cursor through one, which is where ids
// committing out of order would make the reader skip an entry for good.
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCommitLogKey, signedPublish } from "./commit-log-helpers";
import { startNode, type StartedNode } from "./harness";
import { clients, expectConnectError, randomGroupId, type Clients } from "./helpers";
import { storeKinds, TEST_DATABASE_URL } from "./stores";

const PUBLISHERS = 4;
const ENTRIES_EACH = 60;

describe.each(storeKinds)("commit log ordering on %s", (kind) => {
  const nodes: StartedNode[] = [];
  beforeAll(async () => {
    const first = await startNode(kind === "postgres" ? { databaseUrl: TEST_DATABASE_URL } : {});
    nodes.push(first);
    if (kind === "postgres") {
      nodes.push(
        await startNode({
          databaseUrl: TEST_DATABASE_URL,
          env: { DATABASE_SCHEMA: first.schema! },
        }),
      );
    }
  });
  afterAll(async () => {
    for (const n of nodes.reverse()) await n.stop();
  });

  it("concurrentPublishersNeverMakeACursorReaderSkipOrRepeatAnEntry", async () => {
    const g = randomGroupId();
    const apis: Clients[] = nodes.map((n) => clients(n.url));
    const reader = apis[0]!;
    let done = false;
    const publishers = Array.from({ length: PUBLISHERS }, async (_, p) => {
      const api = apis[p % apis.length]!;
      const key = newCommitLogKey();
      for (let e = 1; e <= ENTRIES_EACH; e++) {
        await api.mls.batchPublishCommitLog({ requests: [signedPublish(g, key, BigInt(e))] });
      }
    });
    const seen: bigint[] = [];
    let cursor = 0n;
    const readPage = async () => {
      const res = await reader.mls.batchQueryCommitLog({
        requests: [{ groupId: g, pagingInfo: { limit: 7, idCursor: cursor } }],
      });
      const page = res.responses[0]!.commitLogEntries.map((e) => e.sequenceId);
      seen.push(...page);
      if (page.length > 0) cursor = page[page.length - 1]!;
      return page.length;
    };
    const reading = (async () => {
      while (!done) await readPage();
    })();
    await Promise.all(publishers);
    done = true;
    await reading;
    while ((await readPage()) > 0);

    const full: bigint[] = [];
    for (let c = 0n; ;) {
      const r = await reader.mls.batchQueryCommitLog({
        requests: [{ groupId: g, pagingInfo: { limit: 100, idCursor: c } }],
      });
      const page = r.responses[0]!.commitLogEntries.map((e) => e.sequenceId);
      full.push(...page);
      if (page.length < 100) break;
      c = page[page.length - 1]!;
    }
    expect(full).toHaveLength(PUBLISHERS * ENTRIES_EACH);
    for (let i = 1; i < full.length; i++) expect(full[i]!).toBeGreaterThan(full[i - 1]!);
    // What the reader saw while writers raced is exactly the log: nothing skipped, nothing twice.
    expect(seen).toEqual(full);
  });
});

describe("commit log write budget", () => {
  let node: StartedNode;
  let api: Clients;
  beforeAll(async () => {
    node = await startNode({
      env: { RATE_LIMIT_WRITES_PER_MIN: "1", RATE_LIMIT_WRITE_BURST: "2" },
    });
    api = clients(node.url);
  });
  afterAll(async () => {
    await node?.stop();
  });

  it("chargesPublishesAsWritesAndRefusesOverBudgetWithRetryAfter", async () => {
    const g = randomGroupId();
    const key = newCommitLogKey();
    for (let e = 1n; e <= 2n; e++)
      await api.mls.batchPublishCommitLog({ requests: [signedPublish(g, key, e)] });
    const err = await expectConnectError(
      api.mls.batchPublishCommitLog({ requests: [signedPublish(g, key, 3n)] }),
      Code.ResourceExhausted,
      "too many writes",
    );
    expect(Number(err.metadata.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Reads have their own budget: the log is still readable.
    const res = await api.mls.batchQueryCommitLog({ requests: [{ groupId: g }] });
    expect(res.responses[0]!.commitLogEntries).toHaveLength(2);
  });
});
