// A member's client is killed (SIGKILL, the whole browser) at each step of a group commit
// that adds a new member — after the commit is stored but before it is published, after
// it is published but before it is merged, after it is merged but before the welcome
// goes out — and started again on the same profile. The group must converge: every
// member at the same epoch with the same epoch authenticator, the new member joined, no
// message lost on either side.
//
// Why a real Chromium: the crash has to lose exactly what a crash loses, so the client's
// IndexedDB must live on disk and survive the kill. fake-indexeddb (what the Node tests
// use) is in memory and dies with the process; the persisted IndexedDB shims on npm
// (indexeddbshim) need native modules (better-sqlite3, canvas) whose prebuilt binaries
// cannot be fetched here, and cannot store the non-extractable WebCrypto key our sealed
// records use. Chromium with a persistent profile is the real thing: the client bundle
// (esbuild) runs in a page on the node's origin, the test kills the browser's process
// group at the step (a `commitStep` test hook, set only here), and restarts it on the
// same profile. The other members are ordinary clients in this process; the node is a
// real node process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatePrivateKey } from "viem/accounts";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client, CommitStep, Group } from "../../lib/client";
import { startNode, type StartedNode } from "../../server/test/harness";
import {
  driverBundle,
  inBrowser as inBrowserAt,
  killedAt as killedAtStep,
  type CrashPage,
} from "../crash/harness";
import { createClient, newWallet } from "../support/accounts";
import { groupOf, texts } from "../support/groups";

describe("a commit survives its committer being killed at any step", () => {
  let node: StartedNode;
  let bundle: string;
  const dirs: string[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    node = await startNode({ timeoutMs: 180_000 }); // a loaded machine opens PGlite slowly
    bundle = await driverBundle();
  }, 240_000);

  afterAll(async () => {
    for (const c of clients) await c.close();
    await node?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A fresh committer profile in Chromium, and its wallet. */
  function committer() {
    const profile = mkdtempSync(join(tmpdir(), "messenger-crash-"));
    dirs.push(profile);
    return { profile, who: { apiUrl: node.url, privateKey: generatePrivateKey() } };
  }

  const at = (): CrashPage => ({ pageUrl: `${node.url}/__crash/index.html`, bundle });
  const killedAt = (step: CommitStep, profile: string, job: (page: Page) => Promise<unknown>) =>
    killedAtStep(at(), "commitStep", step, profile, job);
  const inBrowser = <T>(profile: string, job: (page: Page) => Promise<T>) =>
    inBrowserAt(at(), profile, job);

  /**
   * The committer creates a group with Bob, then adds Carol and is killed at `step`.
   * While it is down, Bob writes (and, with `bobCommits`, renames the group: a commit for
   * the same epoch as the committer's). Then the committer starts again and writes.
   * Returns what each member ends with.
   */
  async function crashAt(step: CommitStep, bobCommits: boolean) {
    const { profile, who } = committer();
    const tag = `${step}-${bobCommits}`;
    const b = await createClient(newWallet(), node.url, `crash-bob-${tag}`);
    const c = await createClient(newWallet(), node.url, `crash-carol-${tag}`);
    clients.push(b, c);

    const { groupId } = await inBrowser(profile, (page) =>
      page.evaluate(([w, m]) => window.crashDriver.setup(w, m), [who, [b.inboxId]] as const),
    );
    await killedAt(step, profile, (page) =>
      page.evaluate(([w, g, i]) => window.crashDriver.add(w, g, i), [
        who,
        groupId,
        c.inboxId,
      ] as const),
    );

    const bob = await groupOf(b, groupId);
    await bob.send("bob while the committer is down");
    if (bobCommits) await bob.updateName("renamed while the committer is down");

    const recovered = await inBrowser(profile, (page) =>
      page.evaluate(([w, g]) => window.crashDriver.recover(w, g, "committer after the restart"), [
        who,
        groupId,
      ] as const),
    );
    await b.conversations.sync();
    await c.conversations.sync();
    const carol = await c.conversations.getGroup(groupId);
    const epochOf = async (g: Group) => {
      const e = await g.epoch();
      return { epoch: e.epoch.toString(), authenticator: e.authenticator };
    };
    return {
      recovered,
      bob,
      /** Everything the assertion compares, in one object so a failure shows it all. */
      state: {
        committer: { epoch: recovered.epoch, authenticator: recovered.authenticator },
        bob: await epochOf(bob),
        carol: carol ? await epochOf(carol) : "not in the group",
        carolListedByCommitter: recovered.members.includes(c.inboxId),
        committerTexts: recovered.texts,
        bobTexts: await texts(bob),
        carolTexts: carol ? await texts(carol) : [],
      },
    };
  }

  /** `carolReads`: what the joiner can read, from the epoch it joined in on. */
  function expectConverged(r: Awaited<ReturnType<typeof crashAt>>, carolReads: string[]) {
    const all = [
      "hello from the committer",
      "bob while the committer is down",
      "committer after the restart",
    ];
    const epoch = r.state.committer;
    expect(r.state).toEqual({
      committer: epoch,
      bob: epoch,
      carol: epoch,
      carolListedByCommitter: true,
      committerTexts: all,
      bobTexts: all,
      carolTexts: carolReads,
    });
  }
  it("killedBeforePublish: the stored commit is published on restart and merged", async () => {
    const r = await crashAt("before_publish", false);
    // Bob wrote before the commit reached the node: at the epoch before Carol's.
    expectConverged(r, ["committer after the restart"]);
    expect(r.recovered.logs.map((l) => l.event)).toContain("commit_republished");
  }, 180_000);

  it("killedBeforePublishWhileAnotherCommitWon: the change is made again on the new epoch", async () => {
    const r = await crashAt("before_publish", true);
    expectConverged(r, ["committer after the restart"]);
    expect((await r.bob.info()).name).toBe("renamed while the committer is down");
    const recovered = r.recovered.logs.find((l) => l.event === "commit_recovered");
    expect(recovered?.detail.outcome).toBe("lost");
  }, 180_000);

  it("killedAfterPublishBeforeMerge: the accepted commit is merged on restart, then welcomed", async () => {
    const r = await crashAt("after_publish", false);
    // Bob merged the published commit, so he wrote in Carol's first epoch: the committer
    // can read it only by merging its own commit after the restart.
    expectConverged(r, ["bob while the committer is down", "committer after the restart"]);
    const recovered = r.recovered.logs.find((l) => l.event === "commit_recovered");
    expect(recovered?.detail.outcome).toBe("won");
  }, 180_000);

  it("killedAfterMergeBeforeWelcome: the welcome goes out on restart", async () => {
    const r = await crashAt("after_merge", false);
    expectConverged(r, ["bob while the committer is down", "committer after the restart"]);
    const recovered = r.recovered.logs.find((l) => l.event === "commit_recovered");
    expect(recovered?.detail.outcome).toBe("won");
  }, 180_000);

  it("killedAfterDmMergedBeforeWelcome: the peer is welcomed on restart and reads the DM", async () => {
    const { profile, who } = committer();
    const b = await createClient(newWallet(), node.url, "crash-dm-bob");
    clients.push(b);
    await killedAt("after_merge", profile, (page) =>
      page.evaluate(([w, a]) => window.crashDriver.dm(w, a), [who, b.address] as const),
    );
    const recovered = await inBrowser(profile, (page) =>
      page.evaluate(([w, a]) => window.crashDriver.recoverDm(w, a, "committer after the restart"), [
        who,
        b.address,
      ] as const),
    );
    await b.conversations.sync();
    const dm = await b.conversations.getById(recovered.id);
    expect({
      committerDms: recovered.dms,
      committerTexts: recovered.texts,
      bobHasTheDm: dm !== undefined,
      bobTexts: dm ? await texts(dm) : [],
    }).toEqual({
      committerDms: 1,
      committerTexts: ["committer after the restart"],
      bobHasTheDm: true,
      bobTexts: ["committer after the restart"],
    });
  }, 180_000);
});
