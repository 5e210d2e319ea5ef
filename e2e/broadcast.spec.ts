import { expect, test } from "@playwright/test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { acceptedDm, twoPeople, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// A broadcasts one message to B and to seven addresses that never activated messaging
// (after a typo in the list is named and fixed). The progress outlives leaving the screen; the report
// says who got it and who was skipped; B finds it in the DM it already has with A.
test.describe.configure({ mode: "serial" });

let a: Person, b: Person;
const stamp = Date.now();
const HELLO = `hi before the news ${stamp}`;
const NEWS = `We ship on Monday ${stamp}`;
// Addresses that never activated messaging: enough of them that the broadcast (one
// recipient every 400 ms) is still running when A leaves the screen.
const NOBODIES = Array.from({ length: 7 }, () => privateKeyToAccount(generatePrivateKey()).address);
const NOBODY = NOBODIES[0]!;

twoPeople((pa, pb) => ([a, b] = [pa, pb]));

test("a pasted list is checked entry by entry; the broadcast reports each recipient", async () => {
  test.setTimeout(180_000);
  await acceptedDm(a, b, HELLO);

  // The entry point, from the list (on a phone the open thread would cover it).
  await a.page.goto("/conversations");
  await a.app.waitReady();
  await shootBoth(a.page, "broadcast-entry", async () => {
    if (!(await a.page.getByTestId("address-input").isVisible())) await a.app.openNewMessage();
  });
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

  await to.fill([b.wallet.address, ...NOBODIES].join("\n"));
  await expect(a.page.getByTestId("broadcast-count")).toHaveText("8 recipients");
  await a.page.getByTestId("broadcast-send").click();
  await expect(a.page.getByTestId("broadcast-progress")).toContainText(/of 8/);

  // Away to the list while it runs (in-app navigation): the banner keeps counting, and
  // leads back to the same broadcast.
  await a.page.getByRole("link", { name: "Back to messages" }).click();
  await a.app.waitReady();
  const banner = a.page.getByTestId("broadcast-banner");
  await expect(banner).toContainText(/Broadcast: \d of 8 done/);
  await banner.click();
  const report = a.page.getByTestId("broadcast-report");
  await expect(report).toHaveAttribute("data-running", "false", { timeout: 60_000 });
  await expect(a.page.getByTestId("broadcast-progress")).toHaveText("Done: 8 of 8");
  await expect(a.page.getByTestId("broadcast-summary")).toContainText(
    "1 sent · 7 skipped · 0 failed",
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

test("a reload in the middle of a broadcast: it carries on after the reload, nobody gets it twice", async () => {
  test.setTimeout(180_000);
  const AGAIN = `Doors at 7 ${stamp}`;
  await a.page.goto("/broadcast");
  // The first broadcast's report, read back from storage after this full page load.
  await expect(a.page.getByTestId("broadcast-progress")).toHaveText("Done: 8 of 8", {
    timeout: 30_000,
  });
  await a.page.getByTestId("broadcast-new").click();
  // The absent ones first, B last: the reload comes before B's turn.
  await a.page.getByTestId("broadcast-recipients").fill([...NOBODIES, b.wallet.address].join("\n"));
  await a.page.getByTestId("broadcast-text").fill(AGAIN);
  await a.page.getByTestId("broadcast-send").click();
  await expect(a.page.getByTestId("broadcast-progress")).toContainText(/Sending… [2-6] of 8/);

  await a.page.reload();
  const report = a.page.getByTestId("broadcast-report");
  await expect(report).toBeVisible({ timeout: 30_000 });
  await expect(a.page.getByTestId("broadcast-progress")).toContainText(/of 8/);
  await shootBoth(a.page, "broadcast-after-reload");
  await expect(report).toHaveAttribute("data-running", "false", { timeout: 60_000 });
  await expect(a.page.getByTestId("broadcast-progress")).toHaveText("Done: 8 of 8");
  await expect(a.page.getByTestId("broadcast-summary")).toContainText(
    "1 sent · 7 skipped · 0 failed",
  );
  await expect(a.page.getByTestId("broadcast-entry").nth(7)).toHaveAttribute("data-status", "sent");
  await shootBoth(a.page, "broadcast-report-after-reload");

  await expect(b.app.message(AGAIN)).toHaveCount(1, { timeout: 30_000 });
});
