import { expect, test } from "@playwright/test";
import { newPerson, onboard, twoPeople, type Person } from "./support/person";
import { PHONE } from "./support/browser";
import { shootBoth } from "./support/screenshots";

// Issue 17 item 3: A searches its history. Results come as A types, grouped by conversation
// (the newest match's first), accents and case ignored, the match highlighted; a click opens
// the thread at a message older than the 50 the thread loads first, in view and flashed.
test.describe.configure({ mode: "serial" });

let a: Person, b: Person, c: Person;
const stamp = Date.now();
const OLD = `the zèbre crossing by the station ${stamp}`;
const NEW = `another Zebre sighting ${stamp}`;
const FILLERS = 55;

twoPeople((pa, pb) => ([a, b] = [pa, pb]));
test.afterAll(async () => c?.context.close());

test("results as A types, grouped by conversation; a click shows the old message in context", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  c = await newPerson(browser);
  await onboard(b);
  await onboard(c);
  await onboard(a);
  await a.app.startDm(b.wallet.address);
  await a.app.send(OLD);
  for (let i = 1; i <= FILLERS; i++) await a.app.send(`filler ${i} ${stamp}`);
  // From the list: startDm waits for ?c=, which the open thread already has.
  await a.page.goto("/conversations");
  await a.app.waitReady();
  await a.app.startDm(c.wallet.address);
  await a.app.send(NEW);
  const abId = await a.app.items.nth(1).getAttribute("data-conversation-id");
  const acId = await a.app.items.nth(0).getAttribute("data-conversation-id");

  await a.page.goto("/conversations"); // the list, on a phone too
  await a.app.waitReady();
  await a.page.getByTestId("search-input").fill(`ZEBRE`);
  const groups = a.page.getByTestId("search-group");
  await expect(groups).toHaveCount(2);
  await expect(groups.nth(0)).toHaveAttribute("data-conversation-id", acId!);
  await expect(groups.nth(1)).toHaveAttribute("data-conversation-id", abId!);
  await expect(groups.nth(1).getByTestId("search-result")).toHaveCount(1);
  await expect(groups.nth(1).locator("mark")).toHaveText("zèbre");
  await expect(groups.nth(0).locator("mark")).toHaveText("Zebre");
  await shootBoth(a.page, "search-results");

  await a.page.getByTestId("search-input").fill(`nothing like it ${stamp}`);
  await expect(a.page.getByTestId("search-empty")).toBeVisible();
  await shootBoth(a.page, "search-empty");

  await a.page.getByTestId("search-input").fill("zebre");
  await groups.nth(1).getByTestId("search-result").click();
  await expect(a.page).toHaveURL(new RegExp(`[?&]c=${abId}`));
  const old = a.app.message(OLD);
  await expect(old).toBeInViewport();
  await expect(old).toHaveAttribute("data-focused", "true");
  // It was paged in: the thread holds more than its first 50.
  expect(await a.app.messages.count()).toBeGreaterThan(50);
  await shootBoth(a.page, "search-jump");
});

test("Escape clears the search and brings the list back", async () => {
  await a.page.setViewportSize(PHONE);
  await a.page.goto("/conversations");
  await a.app.waitReady();
  const input = a.page.getByTestId("search-input");
  await input.fill("zebre");
  await expect(a.page.getByTestId("search-group")).toHaveCount(2);
  await input.press("Escape");
  await expect(input).toHaveValue("");
  await expect(a.page.getByTestId("search-group")).toHaveCount(0);
  await expect(a.app.items).toHaveCount(2);
});
