// The local commit log is bounded (issue 12): rows below the kept epochs go, entries a super
// admin still has to publish stay, other groups are untouched. Real Dexie on fake-indexeddb.
import { afterEach, describe, expect, it } from "vitest";
import { getCommitLogRow, pruneCommitLog, putCommitLogRow, type MessengerDb } from "..";
import { openDb } from "./helpers";

const G = "aa".repeat(16);
const OTHER = "bb".repeat(16);

async function fill(db: MessengerDb, groupId: string, epochs: number) {
  for (let e = 1; e <= epochs; e++)
    for (const side of ["local", "remote"] as const)
      await putCommitLogRow(db, {
        groupId,
        side,
        epoch: BigInt(e),
        authenticator: "ab",
        commitSequenceId: BigInt(e),
        toPublish: side === "local" && e === 5 ? 1 : 0,
      });
}

describe("commit log pruning", () => {
  let db: MessengerDb;
  afterEach(() => db?.close());

  it("dropsRowsBelowTheKeptEpochsButNeverAnEntryStillToPublish", async () => {
    db = openDb();
    await fill(db, G, 120);
    await fill(db, OTHER, 3);
    // 120 epochs × 2 sides: 238 go below epoch 100 minus the one entry to publish.
    expect(await pruneCommitLog(db, G, 100n)).toBe(99 * 2 - 1);
    const left = await db.commitLog.where("groupId").equals(G).toArray();
    expect(left).toHaveLength(21 * 2 + 1);
    expect(await getCommitLogRow(db, G, "local", 5n)).toMatchObject({ toPublish: 1 });
    expect(await getCommitLogRow(db, G, "local", 99n)).toBeUndefined();
    expect(await getCommitLogRow(db, G, "remote", 100n)).toBeDefined();
    expect(await db.commitLog.where("groupId").equals(OTHER).count()).toBe(6);
    expect(await pruneCommitLog(db, G, 100n)).toBe(0);
  });
});
