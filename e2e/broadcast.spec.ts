import { expect, test } from "@playwright/test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { acceptedDm, twoPeople, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// A broadcasts one message to B and to an address that never activated messaging (after a
// typo in the list is named and fixed). The progress outlives leaving the screen; the report
// says who got it and who was skipped; B finds it in the DM it already has with A.
test.describe.configure({ mode: "serial" });

let a: Person, b: Person;
const stamp = Date.now();
const HELLO = `hi before the news ${stamp}`;
const NEWS = `We ship on Monday ${stamp}`;
const NOBODY = privateKeyToAccount(generatePrivateKey()).address;

twoPeople((pa, pb) => ([a, b] = [pa, pb]));

test("a pasted list is checked entry by entry; the broadcast reports each recipient", async () => {
  test.setTimeout(180_000);
  await acceptedDm(a, b, HELLO);

  await a.app.openNewMessage();
  await a.page.getByTestId("open-broadcast").click();
  await expect(a.page).toHaveURL(/\/broadcast/);
  const to = a.page.getByTestId("broadcast-recipients");
  await to.fill(`${b.wallet.address}, 0x12345\n${NOBODY}`);
  await expect(a.page.getByTestId("broadcast-problems")).toContainText(
    "0x12345: an address is 0x followed by 40 hex digits (this has 5)",
  );
  await a.page.getByTestId("broadcast-text").fill(NEWS);
  await expect(a.page.getByTestId("broadcast-send")).toBeDisabled();
  await shootBoth(a.page, "broadcast-form-error");

  await to.fill(`${b.wallet.address}\n${NOBODY}`);
  await expect(a.page.getByTestId("broadcast-count")).toHaveText("2 recipients");
  await a.page.getByTestId("broadcast-send").click();
  await expect(a.page.getByTestId("broadcast-progress")).toBeVisible();

  // Away to the list and back (in-app navigation): the same broadcast, its report complete.
  await a.page.getByRole("link", { name: "Back to messages" }).click();
  await a.app.waitReady();
  await a.app.openNewMessage();
  await a.page.getByTestId("open-broadcast").click();
  const report = a.page.getByTestId("broadcast-report");
  await expect(report).toHaveAttribute("data-running", "false", { timeout: 60_000 });
  await expect(a.page.getByTestId("broadcast-progress")).toHaveText("Done: 2 of 2");
  await expect(a.page.getByTestId("broadcast-summary")).toContainText(
    "1 sent · 1 skipped · 0 failed",
  );
  const entries = a.page.getByTestId("broadcast-entry");
  await expect(entries.nth(0)).toHaveAttribute("data-status", "sent");
  await expect(entries.nth(1)).toHaveAttribute("data-status", "skipped");
  await expect(entries.nth(1)).toContainText("skipped: not on the network");
  await shootBoth(a.page, "broadcast-report");

  // B: in the DM it already has with A, once.
  await expect(b.app.message(NEWS)).toHaveCount(1, { timeout: 30_000 });
  await expect(b.app.items).toHaveCount(1);
});
