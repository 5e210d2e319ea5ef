// A commit intent holds the group state its commit leads to: sealed like any group state,
// bound to its group and epoch, and dropped as soon as the commit is merged or discarded.
import { describe, expect, it } from "vitest";
import { randomBytes, toHex } from "../../crypto";
import {
  StorageError,
  advanceCommitIntent,
  getIntent,
  openCommitState,
  putCommitIntent,
  unfinishedCommitIntents,
} from "..";
import { bytesIn, contains, dbName, openDb, rawRecords } from "./helpers";

const GROUP = "aa".repeat(16);

function input(state: Uint8Array, groupId = GROUP) {
  const commit = randomBytes(64);
  return {
    groupId,
    kind: "add_members" as const,
    commit,
    payloadHash: toHex(randomBytes(32)),
    fromEpoch: 7n,
    state,
    authenticator: toHex(randomBytes(32)),
    change: { op: "add", inboxes: ["bb".repeat(32)] },
    welcome: randomBytes(100),
    welcomeTo: [{ installationKey: randomBytes(32), hpkePublicKey: randomBytes(32) }],
  };
}

describe("commit intents", () => {
  it("pendingStateIsSealedAtRest: the post-commit state never reaches IndexedDB in the clear", async () => {
    const name = dbName();
    const db = openDb(name);
    const state = randomBytes(256);
    const id = await putCommitIntent(db, input(state));
    expect(await openCommitState(db, (await getIntent(db, id))!)).toEqual(state);
    const stored = bytesIn(await rawRecords(name));
    expect(stored.some((b) => contains(b, state))).toBe(false);
    db.close();
  });

  it("pendingStateMovedToAnotherGroupDoesNotOpen", async () => {
    const db = openDb();
    const id = await putCommitIntent(db, input(randomBytes(64)));
    const row = (await getIntent(db, id))!;
    const moved = { ...row, conversationId: "cc".repeat(16) };
    await expect(openCommitState(db, moved)).rejects.toBeInstanceOf(StorageError);
    const relabelled = { ...row, commit: { ...row.commit!, fromEpoch: "8" } };
    await expect(openCommitState(db, relabelled)).rejects.toThrow(/failed authentication/);
    db.close();
  });

  it("mergedOrLostDropsTheState; finishingDropsEverything", async () => {
    const db = openDb();
    const id = await putCommitIntent(db, input(randomBytes(64)));
    expect((await unfinishedCommitIntents(db, GROUP)).map((r) => r.id)).toEqual([id]);
    await advanceCommitIntent(db, id, { phase: "merged" });
    const merged = (await getIntent(db, id))!;
    expect(merged.commit?.phase).toBe("merged");
    expect(merged.commit?.stateSealed).toBeUndefined();
    expect(merged.commit?.welcome).toBeDefined(); // still to be sent
    await advanceCommitIntent(db, id, { finish: "committed" });
    const done = (await getIntent(db, id))!;
    expect(done.status).toBe("committed");
    expect(done.commit).toBeUndefined();
    expect(await unfinishedCommitIntents(db)).toEqual([]);
    await expect(advanceCommitIntent(db, id + 1, { finish: "error" })).rejects.toThrow(
      /does not exist/,
    );
    db.close();
  });
});
