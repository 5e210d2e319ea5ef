// lib/api's NodeClient commit log calls against a real node: batching past the
// node's per-request cap, paging to the end, errors as typed ApiErrors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, NodeClient, type CommitLogPublish } from "../../lib/api";
import { newCommitLogKey, signedPublish } from "./commit-log-helpers";
import { startNode, type StartedNode } from "./harness";
import { randomGroupId } from "./helpers";

let node: StartedNode;
let client: NodeClient;
beforeAll(async () => {
  node = await startNode();
  client = new NodeClient(node.url, { baseMs: 1, maxMs: 5 });
});
afterAll(async () => {
  await node?.stop();
});

function entry(groupId: Uint8Array, epoch: bigint, key = newCommitLogKey()): CommitLogPublish {
  const p = signedPublish(groupId, key, epoch);
  return {
    groupId,
    entry: p.serializedCommitLogEntry,
    signature: p.signature.bytes,
    signerPublicKey: p.signature.publicKey,
  };
}

describe("NodeClient commit log", () => {
  it("publishesMoreEntriesThanOneRequestHoldsAndReadsThemAllBackInOrder", async () => {
    const g = randomGroupId();
    const key = newCommitLogKey();
    const sent = Array.from({ length: 130 }, (_, i) => entry(g, BigInt(i + 1), key));
    await client.publishCommitLog(sent);
    const read = await client.readCommitLog(g);
    expect(read.map((e) => e.entry)).toEqual(sent.map((e) => e.entry));
    expect(read[0]!.signerPublicKey).toEqual(key.publicKey);
    // From a cursor: only what came after it.
    const after = await client.readCommitLog(g, read[119]!.sequenceId);
    expect(after.map((e) => e.sequenceId)).toEqual(read.slice(120).map((e) => e.sequenceId));
    // A retried publish of the same bytes changes nothing.
    await client.publishCommitLog(sent.slice(0, 3));
    expect(await client.readCommitLog(g)).toHaveLength(130);
  });

  it("queriesSeveralGroupsInOneCallNewestFirstWhenAsked", async () => {
    const [a, b] = [randomGroupId(), randomGroupId()];
    await client.publishCommitLog([entry(a, 1n), entry(a, 2n), entry(b, 1n)]);
    const [pa, pb] = await client.queryCommitLog([
      { groupId: a, direction: "descending", limit: 1 },
      { groupId: b },
    ]);
    expect(pa!.groupId).toEqual(a);
    expect(pa!.entries).toHaveLength(1);
    expect(pa!.nextCursor).toBe(pa!.entries[0]!.sequenceId);
    expect(pb!.entries).toHaveLength(1);
    expect(pb!.nextCursor).toBeUndefined();
    const [older] = await client.queryCommitLog([
      { groupId: a, direction: "descending", cursor: pa!.nextCursor },
    ]);
    expect(older!.entries[0]!.sequenceId).toBeLessThan(pa!.entries[0]!.sequenceId);
  });

  it("surfacesABadEntryAsANonRetryableInvalidArgument", async () => {
    const bad = { ...entry(randomGroupId(), 1n), signature: new Uint8Array(64) };
    const err = await client.publishCommitLog([bad]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "invalid_argument", retryable: false });
    expect((err as ApiError).message).toContain("requests[0].signature does not verify");
  });
});
