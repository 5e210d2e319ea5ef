import { expect, test } from "@playwright/test";
import { acceptedDm, twoPeople, type Person } from "./support/person";

// Issue 14: ten tabs of the app in one browser profile (one person), plain HTTP/1.1 to the
// node (six connections per origin at most). One tab, the leader, holds the streams; the
// others read the shared database, so a message reaches every tab live, and closing the
// leader hands the streams to another tab.
const TABS = 10;
const stamp = Date.now();

let a: Person, b: Person;
twoPeople((x, y) => {
  a = x;
  b = y;
});

test("ten tabs of one person all show a message live, and keep doing so when the leader closes", async () => {
  test.setTimeout(240_000);
  await acceptedDm(a, b, `hello ${stamp}`);
  const url = b.page.url(); // the thread, open

  const tabs = [b.page];
  for (let i = 1; i < TABS; i++) {
    const tab = await b.context.newPage();
    await tab.goto(url);
    await expect(tab.getByTestId("composer")).toBeVisible({ timeout: 30_000 });
    tabs.push(tab);
  }
  const first = `to every tab ${stamp}`;
  await a.app.send(first);
  for (const tab of tabs)
    await expect(tab.getByTestId("message").filter({ hasText: first })).toHaveCount(1, {
      timeout: 20_000,
    });

  // The first tab opened (the leader) closes: another takes over the streams.
  await tabs.shift()!.close();
  const second = `after the leader left ${stamp}`;
  await a.app.send(second);
  for (const tab of tabs)
    await expect(tab.getByTestId("message").filter({ hasText: second })).toHaveCount(1, {
      timeout: 30_000,
    });
  // And one of them can still send.
  const reply = `reply from tab 5 ${stamp}`;
  await tabs[4]!.getByTestId("composer").fill(reply);
  await tabs[4]!.getByTestId("composer").press("Enter");
  await expect(a.app.message(reply)).toHaveCount(1, { timeout: 30_000 });
});
