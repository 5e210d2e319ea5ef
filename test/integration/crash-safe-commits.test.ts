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
import { build } from "esbuild";
import { generatePrivateKey } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client, CommitStep, Group } from "../../lib/client";
import { startNode, type StartedNode } from "../../server/test/harness";
import { startBrowser } from "../crash/killable-browser";
import { createClient, newWallet } from "../support/accounts";

type Driver = Window["crashDriver"];
type Recovered = Awaited<ReturnType<Driver["recover"]>>;

const texts = async (g: Group) =>
  (await g.messages()).filter((m) => m.contentType === "xmtp.org/text:1.0").map((m) => m.content);

async function groupOf(c: Client, id: string): Promise<Group> {
  await c.conversations.sync();
  const g = await c.conversations.getGroup(id);
  if (!g) throw new Error(`${c.address} has no group ${id}`);
  return g;
}

describe("a commit survives its committer being killed at any step", () => {
  let node: StartedNode;
  let bundle: string;
  const dirs: string[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    node = await startNode();
    const out = await build({
      entryPoints: [join(import.meta.dirname, "../crash/commit-driver.page.ts")],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      write: false,
      logLevel: "error",
    });
    bundle = out.outputFiles[0]!.text;
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.close();
    await node?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /**
   * The committer creates a group with Bob, then adds Carol and is killed at `step`.
   * While it is down, Bob writes (and, with `bobCommits`, renames the group: a commit for
   * the same epoch as the committer's). Then the committer starts again and writes.
   */
  async function crashAt(
    step: CommitStep,
    bobCommits: boolean,
  ): Promise<{ recovered: Recovered; bob: Group; carol: Group; carolInbox: string }> {
    const profile = mkdtempSync(join(tmpdir(), "messenger-crash-"));
    dirs.push(profile);
    const who = { apiUrl: node.url, privateKey: generatePrivateKey() };
    const tag = `${step}-${bobCommits}`;
    const b = await createClient(newWallet(), node.url, `crash-bob-${tag}`);
    const c = await createClient(newWallet(), node.url, `crash-carol-${tag}`);
    clients.push(b, c);
    const pageUrl = `${node.url}/__crash/index.html`;

    let browser = await startBrowser(profile, pageUrl, bundle);
    const { groupId } = await browser.page.evaluate(([w, m]) => window.crashDriver.setup(w, m), [
      who,
      [b.inboxId],
    ] as const);
    await browser.close();

    browser = await startBrowser(profile, pageUrl, bundle);
    const seen: CommitStep[] = [];
    const killed = new Promise<void>((resolve) => {
      void browser.page.exposeFunction("commitStep", async (s: CommitStep) => {
        seen.push(s);
        if (s !== step) return;
        await browser.kill();
        resolve();
        await new Promise(() => undefined); // the page is gone: never answer
      });
    });
    const adding = browser.page
      .evaluate(([w, g, i]) => window.crashDriver.add(w, g, i), [who, groupId, c.inboxId] as const)
      .then(
        () => "finished",
        () => "killed",
      );
    expect(await Promise.race([killed.then(() => "killed"), adding])).toBe("killed");
    expect(seen.at(-1)).toBe(step);

    const bob = await groupOf(b, groupId);
    await bob.send("bob while the committer is down");
    if (bobCommits) await bob.updateName("renamed while the committer is down");

    browser = await startBrowser(profile, pageUrl, bundle);
    const recovered = await browser.page.evaluate(
      ([w, g]) => window.crashDriver.recover(w, g, "committer after the restart"),
      [who, groupId] as const,
    );
    await browser.close();
    return {
      recovered,
      bob: await groupOf(b, groupId),
      carol: await groupOf(c, groupId),
      carolInbox: c.inboxId,
    };
  }

  /** `carolReads`: what the joiner can read, from the epoch it joined in on. */
  async function expectConverged(r: Awaited<ReturnType<typeof crashAt>>, carolReads: string[]) {
    const { recovered, bob, carol } = r;
    const bobEpoch = await bob.epoch();
    const carolEpoch = await carol.epoch();
    expect(bobEpoch.epoch.toString()).toBe(recovered.epoch);
    expect(bobEpoch.authenticator).toBe(recovered.authenticator);
    expect(carolEpoch.authenticator).toBe(recovered.authenticator);
    expect(recovered.members).toContain(r.carolInbox);
    expect(recovered.texts).toEqual([
      "hello from the committer",
      "bob while the committer is down",
      "committer after the restart",
    ]);
    expect(await texts(bob)).toEqual(recovered.texts);
    expect(await texts(carol)).toEqual(carolReads);
  }

  it("killedBeforePublish: the stored commit is published on restart and merged", async () => {
    const r = await crashAt("before_publish", false);
    // Bob wrote before the commit reached the node: at the epoch before Carol's.
    await expectConverged(r, ["committer after the restart"]);
    expect(r.recovered.logs.map((l) => l.event)).toContain("commit_republished");
  }, 180_000);

  it("killedBeforePublishWhileAnotherCommitWon: the change is made again on the new epoch", async () => {
    const r = await crashAt("before_publish", true);
    await expectConverged(r, ["committer after the restart"]);
    expect((await r.bob.info()).name).toBe("renamed while the committer is down");
    const recovered = r.recovered.logs.find((l) => l.event === "commit_recovered");
    expect(recovered?.detail.outcome).toBe("lost");
  }, 180_000);

  it("killedAfterPublishBeforeMerge: the accepted commit is merged on restart, then welcomed", async () => {
    const r = await crashAt("after_publish", false);
    // Bob merged the published commit, so he wrote in Carol's first epoch: the committer
    // can read it only by merging its own commit after the restart.
    await expectConverged(r, ["bob while the committer is down", "committer after the restart"]);
    const recovered = r.recovered.logs.find((l) => l.event === "commit_recovered");
    expect(recovered?.detail.outcome).toBe("won");
  }, 180_000);

  it("killedAfterMergeBeforeWelcome: the welcome goes out on restart", async () => {
    const r = await crashAt("after_merge", false);
    await expectConverged(r, ["bob while the committer is down", "committer after the restart"]);
    const recovered = r.recovered.logs.find((l) => l.event === "commit_recovered");
    expect(recovered?.detail.outcome).toBe("won");
  }, 180_000);
});
