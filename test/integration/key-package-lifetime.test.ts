// Issue 11 item 16: a key package outside its lifetime never enters a group. The committer
// refuses one the node hands out (expired while its owner was away, or not valid yet), and
// every member refuses a commit that adds one (a committer with a wrong or lying clock).
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "../../server/test/harness";
import { Client } from "../../lib/client";
import { readGroupContext } from "../../lib/mls";
import { newWallet } from "../support/accounts";
import { forgeCommit, keyPackageWithLifetime } from "./forge";
import { groupOf, type Logged } from "../support/groups";
import { ctxOf } from "../support/client-internals";

const DAY = 24n * 3600n;
const nowS = () => BigInt(Math.floor(Date.now() / 1000));
const apiOf = (c: Client) => ctxOf(c).api;

describe("key-package lifetimes", () => {
  let node: StartedNode;
  const zLog: Logged[] = [];
  let a: Client, b: Client, z: Client;

  beforeAll(async () => {
    // No retention job: it purges expired key packages, and this test needs the node to serve
    // one (as a stale or lying node would) to show the committer refuses it.
    node = await startNode({ env: { RETENTION_INTERVAL_SECONDS: "0" } });
    const open = (name: string, log?: Logged[]) =>
      Client.create(newWallet().signer, {
        apiUrl: node.url,
        dbName: `kpl-${name}`,
        indexedDB,
        IDBKeyRange,
        ...(log
          ? { log: (event: string, detail: Record<string, unknown>) => log.push({ event, detail }) }
          : {}),
      });
    [a, b, z] = [await open("a"), await open("b"), await open("z", zLog)];
  }, 120_000);

  afterAll(async () => {
    for (const c of [a, b, z]) await c?.close();
    await node?.stop();
  });

  it("committerRefusesAnExpiredOrNotYetValidKeyPackageFromTheNode", async () => {
    const g = await a.conversations.newGroup([z.inboxId], { name: "lifetimes" });
    // Valid when uploaded (the node checks that; 6 s leaves room for a busy machine), expired
    // by the time of the add; not older than b's current one (backdated an hour), or the node
    // refuses it as a replay.
    const expiresAt = nowS() + 6n;
    await apiOf(b).uploadKeyPackage(await keyPackageWithLifetime(b, nowS() - 3600n, expiresAt));
    await new Promise((r) => setTimeout(r, Number(expiresAt - nowS() + 1n) * 1000));
    await expect(g.addMembers([b.inboxId])).rejects.toMatchObject({
      code: "key_package_lifetime",
      message: expect.stringMatching(/expired at/),
    });
    await apiOf(b).uploadKeyPackage(
      await keyPackageWithLifetime(b, nowS() + DAY / 2n, nowS() + 90n * DAY),
    );
    await expect(g.addMembers([b.inboxId])).rejects.toMatchObject({
      code: "key_package_lifetime",
      message: expect.stringMatching(/not valid before/),
    });
    expect((await g.members()).map((m) => m.inboxId)).not.toContain(b.inboxId);
  }, 60_000);

  it("membersRefuseACommitThatAddsAnExpiredKeyPackage", async () => {
    const g = await a.conversations.newGroup([z.inboxId], { name: "clock" });
    const gz = await groupOf(z, g.id);
    const expired = await keyPackageWithLifetime(b, nowS() - 100n * DAY, nowS() - 10n * DAY);
    // The committer's clock says it is 50 days ago: ts-mls lets it build the commit.
    // Otherwise a valid add: b's membership entry names its log's newest sequence id.
    const log = await ctxOf(a).resolver.latest(b.inboxId);
    await forgeCommit(
      a,
      g.id,
      async (group) => {
        const context = readGroupContext(group.state.groupContext.extensions);
        context.membership.set(b.inboxId, log!.sequenceId);
        return { add: [expired], context };
      },
      {
        clockOffsetMs: -50 * 24 * 3600 * 1000,
      },
    );
    await z.conversations.sync();
    expect((await gz.members()).map((m) => m.inboxId)).not.toContain(b.inboxId);
    expect(
      zLog.some((l) => l.event === "envelope_rejected" && l.detail.code === "key_package_lifetime"),
    ).toBe(true);
  }, 60_000);
});
