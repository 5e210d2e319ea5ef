import { expect, test } from "@playwright/test";
import { GroupPages } from "./pages/group";
import { BASE_URL } from "./support/browser";
import { acceptedDm, twoPeople, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// Issue 17 item 6: B pins one conversation and archives another from the list; the pinned
// one sits on top with its mark, the archived one waits under "Archived"; a new message
// from A brings the archived one back (it is not muted).
test.describe.configure({ mode: "serial" });

let a: Person, b: Person;
const stamp = Date.now();
const DM_TEXT = `dm ${stamp}`;
const GROUP_TEXT = `group ${stamp}`;

twoPeople((pa, pb) => ([a, b] = [pa, pb]));

const row = (p: Person, text: string) => p.app.items.filter({ hasText: text });

test("pinned on top, archived under Archived, a new message unarchives", async () => {
  test.setTimeout(240_000);
  await acceptedDm(a, b, DM_TEXT);

  // A second conversation for B: A writes from a group.
  await new GroupPages(a.page).create(`Trip ${stamp}`, [b.wallet.address]);
  await expect(await a.app.send(GROUP_TEXT)).toHaveAttribute("data-status", "published", {
    timeout: 20_000,
  });
  await b.app.acceptRequest(GROUP_TEXT);
  await expect(b.app.items).toHaveCount(2, { timeout: 30_000 });
  await expect(b.app.items.first()).toContainText(GROUP_TEXT); // the newest first

  // Pin the DM from the list (the row's menu shows on hover).
  await row(b, DM_TEXT).hover();
  await b.page
    .locator("li", { has: row(b, DM_TEXT) })
    .getByTestId("conversation-menu")
    .click();
  await b.page.getByTestId("pin-conversation").click();
  await expect(b.app.items.first()).toContainText(DM_TEXT);
  await expect(row(b, DM_TEXT).getByTestId("pinned-mark")).toBeVisible();

  // Archive the group from its thread's header.
  await row(b, GROUP_TEXT).click();
  await b.page
    .locator("header", { has: b.page.getByTestId("conversation-title") })
    .getByTestId("conversation-menu")
    .click();
  await b.page.getByTestId("archive-conversation").click();
  await expect(b.page.getByTestId("archived-toggle")).toContainText("1");
  await expect(row(b, GROUP_TEXT)).toHaveCount(0);
  await b.page.getByTestId("archived-toggle").click();
  await expect(b.page.getByTestId("archived-list")).toContainText(GROUP_TEXT);
  // The list alone (a phone shows the list or a thread), Archived open.
  await b.page.goto(`${BASE_URL}/conversations`);
  await b.app.waitReady();
  await b.page.getByTestId("archived-toggle").click();
  await expect(b.page.getByTestId("archived-list")).toContainText(GROUP_TEXT);
  await shootBoth(b.page, "pin-archive-list", async () => {
    await b.page.mouse.move(200, 700); // no row under the pointer: the list as it rests
    await expect(b.page.getByTestId("archived-list")).toBeVisible();
  });

  // A new message in the (unmuted) archived group brings it back to the list.
  await b.page.getByTestId("archived-toggle").click();
  const again = `again ${stamp}`;
  await a.app.send(again);
  await expect(b.page.getByTestId("archived-toggle")).toHaveCount(0, { timeout: 30_000 });
  await expect(row(b, again)).toHaveCount(1);
  await expect(b.app.items.first()).toContainText(DM_TEXT); // the pin stays on top
});
