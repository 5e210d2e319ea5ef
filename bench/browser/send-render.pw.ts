// Issue 13: "browser send -> rendered in the peer's tab (DM, two Chromium tabs)", goal p50 <=
// 50 ms, p95 <= 100 ms. Two people in two browser profiles of one Chromium, the real app and
// node. Timestamps are taken in the pages on one clock (performance.timeOrigin + now()): the
// sender's Enter keydown (capture phase, before React sees it) and, in the receiver's page, a
// MutationObserver noting when the bubble holding that text is first in the DOM. Also noted:
// the sender's own bubble (local echo) and its "published" status.
import { expect, test } from "@playwright/test";
import type { Page } from "@playwright/test";
import { acceptedDm, newPerson, type Person } from "../../e2e/support/person";
import { runHeader, rowsTable } from "../alone";
import { summary } from "../stats";
import { medianTimeline, recordSteps, stepsOf, takeSteps, type Step } from "./timeline";

const ROUNDS = Number(process.env.BENCH_SEND_RENDER_ROUNDS ?? 40);

declare global {
  interface Window {
    __benchSeen?: Record<string, { inserted?: number; published?: number }>;
    __benchEnter?: number[];
    __benchIdbTransactions?: number;
    __benchIdbKinds?: Record<string, number>;
  }
}

/**
 * Counts the IndexedDB transactions a page opens: a cost that does not depend on the load.
 * Installed before the app's first document, since Dexie binds `transaction` when it opens.
 */
function countTransactions(): void {
  window.__benchIdbTransactions = 0;
  window.__benchIdbKinds = {};
  const open = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (
    this: IDBDatabase,
    ...args: Parameters<typeof open>
  ) {
    window.__benchIdbTransactions!++;
    // Which stores, in which mode: what a change saved (BENCH_TX_KINDS=1 prints them).
    const [stores, mode] = args;
    const key = `${mode ?? "readonly"} ${[stores].flat().sort().join("+")}`;
    window.__benchIdbKinds![key] = (window.__benchIdbKinds![key] ?? 0) + 1;
    return open.apply(this, args);
  } as typeof open;
}

/** In every page: watch bubbles appear (by text token) and the sender's Enter presses. */
async function instrument(page: Page): Promise<void> {
  await page.evaluate(() => {
    const now = () => performance.timeOrigin + performance.now();
    window.__benchSeen = {};
    window.__benchEnter = [];

    document.addEventListener(
      "keydown",
      (e) => {
        if (e.key === "Enter") window.__benchEnter!.push(now());
      },
      { capture: true },
    );
    const note = (el: Element) => {
      const bubble = el.closest('[data-testid="message"]');
      const token = bubble?.textContent?.match(/bench-\d+-\d+/)?.[0];
      if (!bubble || !token) return;
      const seen = (window.__benchSeen![token] ??= {});
      seen.inserted ??= now();
      if (bubble.getAttribute("data-status") === "published") seen.published ??= now();
    };
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.target instanceof Element) note(r.target);
        for (const n of r.addedNodes) {
          if (n instanceof Element) {
            note(n);
            n.querySelectorAll('[data-testid="message"]').forEach(note);
          } else if (n.parentElement) note(n.parentElement);
        }
      }
    }).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ["data-status"],
    });
  });
}

test("send -> rendered in the peer's tab, DM, two Chromium profiles", async ({ browser }) => {
  // Requests are watched, not held: route() would add a round trip to Playwright to each send.
  const a: Person = await newPerson(browser, { watchOnly: true });
  const b: Person = await newPerson(browser, { watchOnly: true });
  for (const p of [a, b]) await p.context.addInitScript(countTransactions);
  // BENCH_TIMELINE=1: each page's steps of a round (timeline.ts), printed as medians.
  const timeline = process.env.BENCH_TIMELINE
    ? { sender: [] as Step[][], receiver: [] as Step[][] }
    : undefined;
  if (timeline) for (const p of [a, b]) await p.context.addInitScript(recordSteps);
  await acceptedDm(a, b, "hello");
  await b.page.getByTestId("conversation-item").first().click();
  await instrument(a.page);
  await instrument(b.page);

  // BENCH_PROFILE=dir: a CPU profile of each page over the measured rounds (.cpuprofile files).
  const profileDir = process.env.BENCH_PROFILE;
  const sessions = profileDir
    ? await Promise.all([a.page, b.page].map((pg) => pg.context().newCDPSession(pg)))
    : [];
  for (const s of sessions) {
    await s.send("Profiler.enable");
    await s.send("Profiler.setSamplingInterval", { interval: 200 });
    await s.send("Profiler.start");
  }
  const run = `${Date.now() % 100000}`;
  const latency: number[] = [];
  const echo: number[] = [];
  const published: number[] = [];
  const transactions = { sender: [] as number[], receiver: [] as number[] };
  const countOf = (pg: Page) => pg.evaluate(() => window.__benchIdbTransactions!);
  for (let i = 0; i < ROUNDS; i++) {
    const token = `bench-${run}-${i}`;
    const before = [await countOf(a.page), await countOf(b.page)];
    await a.page.getByTestId("composer").fill(`${token} ping`);
    await a.page.getByTestId("composer").press("Enter");
    await b.page.waitForFunction((t) => window.__benchSeen?.[t]?.inserted, token, {
      timeout: 20_000,
    });
    await a.page.waitForFunction((t) => window.__benchSeen?.[t]?.published, token, {
      timeout: 20_000,
    });
    const enter = await a.page.evaluate(() => window.__benchEnter!.at(-1)!);
    const sent = await a.page.evaluate((t) => window.__benchSeen![t]!, token);
    const got = await b.page.evaluate((t) => window.__benchSeen![t]!.inserted!, token);
    await a.page.waitForTimeout(100); // the last live queries settle (counts, steps)
    const end = Math.max(got, sent.published!) + 100;
    const steps: [Step[], Step[]] | undefined = timeline && [
      await takeSteps(a.page, enter, end),
      await takeSteps(b.page, enter, end),
    ];
    if (i < 3) continue; // warm-up: first renders compile and cache
    if (timeline && steps) {
      timeline.sender.push([
        ...steps[0],
        [sent.inserted! - enter, "DOM own bubble"],
        [sent.published! - enter, "DOM own bubble published"],
      ]);
      timeline.receiver.push([...steps[1], [got - enter, "DOM peer's bubble"]]);
    }
    transactions.sender.push((await countOf(a.page)) - before[0]!);
    transactions.receiver.push((await countOf(b.page)) - before[1]!);
    latency.push(got - enter);
    echo.push(sent.inserted! - enter);
    published.push(sent.published! - enter);
  }
  if (process.env.BENCH_TX_KINDS) {
    const kinds = (pg: Page) => pg.evaluate(() => window.__benchIdbKinds!);
    console.log("transactions by kind over the whole run (sender, receiver):");
    console.log(JSON.stringify([await kinds(a.page), await kinds(b.page)], null, 1));
  }
  if (timeline) {
    console.log(`sender's page, ms after Enter (median of ${timeline.sender.length} rounds):`);
    console.log(medianTimeline(timeline.sender));
    console.log(`receiver's page, ms after the sender's Enter:`);
    console.log(medianTimeline(timeline.receiver));
    // The tail (p95) is a few rounds: where each of the slowest went, step by step.
    const slowest = latency
      .map((ms, round) => ({ ms, round }))
      .sort((x, y) => y.ms - x.ms)
      .slice(0, Number(process.env.BENCH_TIMELINE_SLOWEST ?? 0));
    for (const { ms, round } of slowest) {
      console.log(
        `round ${round + 3}, peer's bubble at ${ms.toFixed(1)} ms: sender, then receiver`,
      );
      console.log(stepsOf(timeline.sender[round]!));
      console.log(stepsOf(timeline.receiver[round]!));
    }
  }
  for (const [i, s] of sessions.entries()) {
    const { profile } = await s.send("Profiler.stop");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      `${profileDir}/${i === 0 ? "sender" : "receiver"}.cpuprofile`,
      JSON.stringify(profile),
    );
  }
  const rows = [
    summary("browser DM: Enter -> bubble rendered in the peer's tab", latency),
    summary("browser DM: Enter -> own bubble on screen (local echo)", echo),
    summary("browser DM: Enter -> own bubble marked published", published),
    summary(
      "browser DM: IndexedDB transactions per message, sender's page",
      transactions.sender,
      "",
    ),
    summary(
      "browser DM: IndexedDB transactions per message, receiver's page",
      transactions.receiver,
      "",
    ),
  ];
  // BENCH_SCREENSHOT=dir: both threads as they ended (a look at what the rounds drew).
  const shots = process.env.BENCH_SCREENSHOT;
  if (shots)
    for (const [name, pg] of [
      ["sender", a.page],
      ["receiver", b.page],
    ] as const)
      await pg.screenshot({ path: `${shots}/send-render-${name}.png` });
  console.log(JSON.stringify(rows));
  console.log(rowsTable(rows));
  console.log(runHeader());
  for (const p of [a, b]) expect(p.escaped).toEqual([]);
  await a.context.close();
  await b.context.close();
});
