// BatchPublishCommitLog / BatchQueryCommitLog over a real node process, on PGlite
// and (with TEST_DATABASE_URL) PostgreSQL: publish, query, paging, idempotence,
// validation with errors that name the field.
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ed25519Sign } from "../../lib/crypto";
import { SortDirection } from "../../lib/proto/mls/api/v1/mls_pb";
import { newCommitLogKey, signedPublish } from "./commit-log-helpers";
import { startNode, type StartedNode } from "./harness";
import { clients, expectConnectError, randomGroupId, type Clients } from "./helpers";
import { storeKinds, TEST_DATABASE_URL } from "./stores";

describe.each(storeKinds)("commit log on %s", (kind) => {
  let node: StartedNode;
  let api: Clients;
  beforeAll(async () => {
    node = await startNode(kind === "postgres" ? { databaseUrl: TEST_DATABASE_URL } : {});
    api = clients(node.url);
  });
  afterAll(async () => {
    await node?.stop();
  });

  const query = (groupId: Uint8Array, limit = 0, idCursor = 0n, direction = 0) =>
    api.mls
      .batchQueryCommitLog({ requests: [{ groupId, pagingInfo: { limit, idCursor, direction } }] })
      .then((r) => r.responses[0]!);
  const ids = (r: Awaited<ReturnType<typeof query>>) => r.commitLogEntries.map((e) => e.sequenceId);

  it("publishedEntriesComeBackPerGroupInOrderWithTheirSignatures", async () => {
    const [a, b] = [randomGroupId(), randomGroupId()];
    const key = newCommitLogKey();
    const sent = [signedPublish(a, key, 1n), signedPublish(b, key, 1n), signedPublish(a, key, 2n)];
    await api.mls.batchPublishCommitLog({ requests: sent });
    const res = await api.mls.batchQueryCommitLog({ requests: [{ groupId: a }, { groupId: b }] });
    expect(res.responses.map((r) => r.groupId)).toEqual([a, b]);
    const [ra, rb] = res.responses;
    expect(ra!.commitLogEntries.map((e) => e.serializedCommitLogEntry)).toEqual([
      sent[0]!.serializedCommitLogEntry,
      sent[2]!.serializedCommitLogEntry,
    ]);
    expect(ra!.commitLogEntries[1]!.signature).toMatchObject(sent[2]!.signature);
    expect(ids(ra!)[1]!).toBeGreaterThan(ids(ra!)[0]!);
    expect(rb!.commitLogEntries).toHaveLength(1);
    // A short page: XMTP's rule, id_cursor 0 means "no more".
    expect(ra!.pagingInfo).toMatchObject({
      direction: SortDirection.ASCENDING,
      limit: 100,
      idCursor: 0n,
    });
    const empty = await query(randomGroupId());
    expect(empty.commitLogEntries).toHaveLength(0);
  });

  it("pagesWithAnExclusiveCursorLimitClampedTo100AndBothDirections", async () => {
    const g = randomGroupId();
    const key = newCommitLogKey();
    for (let e = 1n; e <= 7n; e++)
      await api.mls.batchPublishCommitLog({ requests: [signedPublish(g, key, e)] });
    const all = ids(await query(g));
    expect(all).toHaveLength(7);
    const p1 = await query(g, 3);
    expect(ids(p1)).toEqual(all.slice(0, 3));
    expect(p1.pagingInfo!.idCursor).toBe(all[2]);
    const p2 = await query(g, 3, p1.pagingInfo!.idCursor);
    expect(ids(p2)).toEqual(all.slice(3, 6));
    const p3 = await query(g, 3, p2.pagingInfo!.idCursor);
    expect(ids(p3)).toEqual(all.slice(6));
    expect(p3.pagingInfo!.idCursor).toBe(0n);
    expect((await query(g, 5000)).pagingInfo!.limit).toBe(100);
    const newest = await query(g, 2, 0n, SortDirection.DESCENDING);
    expect(ids(newest)).toEqual([all[6], all[5]]);
    expect(ids(await query(g, 2, newest.pagingInfo!.idCursor, SortDirection.DESCENDING))).toEqual([
      all[4],
      all[3],
    ]);
  });

  it("storesAByteIdenticalRepublishOnceButKeepsADifferentSignersEntry", async () => {
    const g = randomGroupId();
    const [k1, k2] = [newCommitLogKey(), newCommitLogKey()];
    const once = signedPublish(g, k1, 5n);
    await api.mls.batchPublishCommitLog({ requests: [once, once] });
    await api.mls.batchPublishCommitLog({ requests: [once] }); // a retried publish
    const same = signedPublish(g, k2, 5n, once.serializedCommitLogEntry);
    await api.mls.batchPublishCommitLog({ requests: [same] });
    const got = await query(g);
    expect(got.commitLogEntries.map((e) => e.signature!.publicKey)).toEqual([
      k1.publicKey,
      k2.publicKey,
    ]);
  });

  it("rejectsMalformedPublishesNamingTheFieldAndStoresNoneOfTheBatch", async () => {
    const g = randomGroupId();
    const key = newCommitLogKey();
    const good = signedPublish(g, key, 1n);
    const publish = (bad: object) =>
      api.mls.batchPublishCommitLog({ requests: [good, { ...good, ...bad }] });
    await expectConnectError(
      api.mls.batchPublishCommitLog({ requests: [] }),
      Code.InvalidArgument,
      "requests is empty",
    );
    await expectConnectError(
      api.mls.batchPublishCommitLog({ requests: Array.from({ length: 101 }, () => good) }),
      Code.InvalidArgument,
      "requests has 101 entries; at most 100",
    );
    await expectConnectError(
      publish({ groupId: new Uint8Array() }),
      Code.InvalidArgument,
      "requests[1].group_id is empty",
    );
    await expectConnectError(
      publish({ groupId: new Uint8Array(256) }),
      Code.InvalidArgument,
      "requests[1].group_id is 256 bytes; at most 255",
    );
    await expectConnectError(
      publish({ serializedCommitLogEntry: new Uint8Array() }),
      Code.InvalidArgument,
      "requests[1].serialized_commit_log_entry is empty",
    );
    const big = new Uint8Array(4097);
    await expectConnectError(
      publish({
        serializedCommitLogEntry: big,
        signature: { bytes: ed25519Sign(big, key.privateKey), publicKey: key.publicKey },
      }),
      Code.InvalidArgument,
      "requests[1].serialized_commit_log_entry is 4097 bytes; at most 4096",
    );
    await expectConnectError(
      publish({ signature: undefined }),
      Code.InvalidArgument,
      "requests[1].signature is missing",
    );
    await expectConnectError(
      publish({ signature: { bytes: new Uint8Array(63), publicKey: key.publicKey } }),
      Code.InvalidArgument,
      "requests[1].signature.bytes must be 64 bytes",
    );
    await expectConnectError(
      publish({ signature: { bytes: good.signature.bytes, publicKey: new Uint8Array(31) } }),
      Code.InvalidArgument,
      "requests[1].signature.public_key must be 32 bytes",
    );
    // Signed by one key, claiming another: refused, not stored for readers to trip over.
    await expectConnectError(
      publish({
        signature: { bytes: good.signature.bytes, publicKey: newCommitLogKey().publicKey },
      }),
      Code.InvalidArgument,
      "requests[1].signature does not verify",
    );
    expect((await query(g)).commitLogEntries).toHaveLength(0);
  });

  it("rejectsMalformedQueriesNamingTheField", async () => {
    await expectConnectError(
      api.mls.batchQueryCommitLog({ requests: [] }),
      Code.InvalidArgument,
      "requests is empty",
    );
    await expectConnectError(
      api.mls.batchQueryCommitLog({
        requests: [{ groupId: randomGroupId() }, { groupId: new Uint8Array() }],
      }),
      Code.InvalidArgument,
      "requests[1].group_id is empty",
    );
    await expectConnectError(
      api.mls.batchQueryCommitLog({
        requests: [{ groupId: randomGroupId(), pagingInfo: { direction: 7 as SortDirection } }],
      }),
      Code.InvalidArgument,
      "requests[0].paging_info.direction 7 is not a SortDirection",
    );
  });

  it("answersOverConnectJsonAndGrpcWebToo", async () => {
    const g = randomGroupId();
    const key = newCommitLogKey();
    for (const protocol of ["connect-json", "grpc-web"] as const) {
      const other = clients(node.url, protocol);
      await other.mls.batchPublishCommitLog({ requests: [signedPublish(g, key, 1n)] });
    }
    const res = await clients(node.url, "connect-json").mls.batchQueryCommitLog({
      requests: [{ groupId: g }],
    });
    expect(res.responses[0]!.commitLogEntries).toHaveLength(2);
  });
});
