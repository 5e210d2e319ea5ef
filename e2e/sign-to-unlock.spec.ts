import { expect, test } from "@playwright/test";
import { onboard, twoPeople, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// Sign to unlock (PROTOCOL §6): turned on in Settings (the wallet signs the Enable Identity text
// twice), a reload shows "Unlock with your wallet" and no message; one signature brings the
// conversations back. Turned off, a reload needs no signature again.
test.describe.configure({ mode: "serial" });

let a: Person, b: Person;
const TEXT = `the boat leaves at dawn ${Date.now()}`;

twoPeople((pa, pb) => ([a, b] = [pa, pb]));

test("enable in Settings, reload, unlock with the wallet, conversations are back", async () => {
  test.setTimeout(180_000);
  await onboard(a);
  await onboard(b);
  await a.app.startDm(b.wallet.address);
  await expect(await a.app.send(TEXT)).toHaveAttribute("data-status", "published", {
    timeout: 20_000,
  });

  await a.app.openSettings();
  const toggle = a.page.getByTestId("sign-to-unlock-toggle");
  await expect(toggle).not.toBeChecked();
  await toggle.scrollIntoViewIfNeeded();
  await shootBoth(a.page, "settings-sign-to-unlock-off", () => toggle.scrollIntoViewIfNeeded());
  const before = a.wallet.signatureRequests;
  await toggle.click(); // controlled: it opens the wallet page rather than flipping here
  await expect(a.page).toHaveURL(/\/unlock\?enable=1/);
  await expect(a.page.getByTestId("enable-sign-to-unlock")).toBeVisible();
  await shootBoth(a.page, "sign-to-unlock-enable");
  await a.page.getByTestId("confirm-sign-to-unlock").click();
  await expect(a.page).toHaveURL(/\/settings/, { timeout: 30_000 });
  expect(a.wallet.signatureRequests - before).toBe(2); // signed twice: determinism check
  await expect(a.page.getByTestId("sign-to-unlock-toggle")).toBeChecked();
  await shootBoth(a.page, "settings-sign-to-unlock-on", () =>
    a.page.getByTestId("sign-to-unlock-toggle").scrollIntoViewIfNeeded(),
  );

  // A reload: the store is locked, nothing of the conversation shows.
  await a.page.goto("/conversations");
  await expect(a.page).toHaveURL(/\/unlock$/, { timeout: 30_000 });
  await expect(a.page.getByTestId("unlock-screen")).toBeVisible();
  await expect(a.page.getByText(TEXT)).toHaveCount(0);
  await expect(a.page.getByTestId("unlock-with-wallet")).toBeEnabled({ timeout: 30_000 });
  await shootBoth(a.page, "unlock-screen");

  const beforeUnlock = a.wallet.signatureRequests;
  await a.page.getByTestId("unlock-with-wallet").click();
  await expect(a.page).toHaveURL(/\/conversations/, { timeout: 30_000 });
  await expect(a.app.items.filter({ hasText: TEXT })).toHaveCount(1, { timeout: 30_000 });
  expect(a.wallet.signatureRequests - beforeUnlock).toBe(1);

  // Off again: a reload opens without the wallet.
  await a.app.openSettings();
  await a.page.getByTestId("sign-to-unlock-toggle").click();
  await expect(a.page.getByTestId("sign-to-unlock-toggle")).not.toBeChecked();
  await a.page.goto("/conversations");
  await expect(a.app.items.filter({ hasText: TEXT })).toHaveCount(1, { timeout: 30_000 });
  await expect(a.page).toHaveURL(/\/conversations/);
});
