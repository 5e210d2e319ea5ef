// Issue 12: a group made before commit logs existed (no `_commit_log_signer` in its
// metadata) gains one from the first super admin's client that sees it, real node, real
// clients. Members who are not super admins never add it; two super admins racing leave
// the group with ONE key that everyone holds, in step; entries signed with it then flow.
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { Client } from "../../lib/client";
import { requireGroup } from "../../lib/client/groups/state";
import { nextContext } from "../../lib/client/groups/plans";
import { verifiedEntry } from "../../lib/client/forks/entries";
import {
  COMMIT_LOG_SIGNER_ATTRIBUTE,
  commitLogSignerOf,
  epochAuthenticator,
  readGroupContext,
} from "../../lib/mls";
import { fromHex, toHex } from "../../lib/crypto";
import { newWallet } from "../support/accounts";
import { groupOf } from "../support/groups";
import { forgeCommit } from "./forge";
import { ctxOf } from "../support/client-internals";

const manual = { checkIntervalMs: 60_000, takeoverMs: 60_000, requestEveryMs: 0 };

describe("groups made before commit logs gain a signer", () => {
  let node: StartedNode;
  const clients: Client[] = [];
  const make = async (name: string) => {
    const c = await Client.create(newWallet().signer, {
      apiUrl: node.url,
      dbName: name,
      indexedDB,
      IDBKeyRange,
      forkRecovery: manual,
    });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    node = await startNode();
  }, 90_000);
  afterAll(async () => {
    for (const c of clients) await c.close();
    await node?.stop();
  });

  it("firstSuperAdminAddsTheSignerOnceEvenWhenTwoRace", async () => {
    const a = await make("up-alice");
    const b = await make("up-bob");
    const c = await make("up-carol");
    const g = await a.conversations.newGroup([b.inboxId, c.inboxId], { name: "old" });
    await g.addSuperAdmin(c.inboxId);
    // Made as groups were before commit logs: the same group without the key in its metadata.
    await forgeCommit(a, g.id, async (group) => {
      const context = nextContext(group);
      delete context.metadata.attributes[COMMIT_LOG_SIGNER_ATTRIBUTE];
      return { context };
    });
    for (const x of [a, b, c]) {
      await groupOf(x, g.id);
      expect(commitLogSignerOf(await requireGroup(ctxOf(x), g.id))).toBeUndefined();
    }

    // Bob is no super admin: his watch leaves the group as it is.
    await b.checkCommitLog();
    expect(b.forkStats().signersAdded).toBe(0);
    for (const x of [a, c]) await x.conversations.sync();
    expect(commitLogSignerOf(await requireGroup(ctxOf(a), g.id))).toBeUndefined();

    // Alice and Carol (both super admins) race: one commit wins, the other finds the key.
    await Promise.all([a.checkCommitLog(), c.checkCommitLog()]);
    expect(a.forkStats().signersAdded + c.forkStats().signersAdded).toBe(1);
    const states = [];
    for (const x of [a, b, c]) {
      const gx = await groupOf(x, g.id);
      expect(gx.syncState).toEqual({ state: "in_sync" });
      states.push(await requireGroup(ctxOf(x), g.id));
    }
    const keys = states.map(
      (s) =>
        readGroupContext(s.state.groupContext.extensions).metadata.attributes[
          COMMIT_LOG_SIGNER_ATTRIBUTE
        ],
    );
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(keys).size).toBe(1);
    expect(new Set(states.map((s) => s.epoch)).size).toBe(1);
    expect(new Set(states.map((s) => toHex(epochAuthenticator(s)))).size).toBe(1);

    // The group now has fork detection: a change, its entry signed with the new key, read
    // and matched by a member who is not a super admin.
    await (await groupOf(b, g.id)).updateName("logged");
    for (const x of [a, c]) await x.conversations.sync();
    await a.checkCommitLog();
    await c.checkCommitLog();
    const signer = commitLogSignerOf(await requireGroup(ctxOf(b), g.id))!;
    const entries = (await ctxOf(b).api.readCommitLog(fromHex(g.id)))
      .map((r) => verifiedEntry(r, signer.publicKey))
      .filter((e) => e !== undefined);
    const bobNow = await requireGroup(ctxOf(b), g.id);
    expect(entries.some((e) => e.appliedEpochNumber === bobNow.epoch)).toBe(true);
    await b.checkCommitLog();
    expect(b.forkStats().forksDetected).toBe(0);
    expect((await groupOf(b, g.id)).syncState).toEqual({ state: "in_sync" });
  }, 150_000);
});
