import { expect, test } from "@playwright/test";
import { OnboardingPages } from "./pages/onboarding";
import { newPerson, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// The ephemeral wallet's key is the only key of its account. "Delete local data" must not
// leave it behind in localStorage, and must not destroy it without offering to save it.
const KEY = "messenger:ephemeralKey";
let p: Person;

test.beforeAll(async ({ browser }) => {
  p = await newPerson(browser);
});

test.afterAll(async () => {
  expect(p?.escaped ?? []).toEqual([]);
  await p?.context.close();
});

test("deleteLocalDataOffersKeyExportThenRemovesEphemeralKey", async () => {
  test.setTimeout(120_000);
  await new OnboardingPages(p.page).onboard("Ephemeral wallet");
  await p.app.waitReady();
  const key = await p.page.evaluate((k) => localStorage.getItem(k), KEY);
  expect(key).toMatch(/^0x[0-9a-f]{64}$/);

  await p.app.openSettings();
  await p.page.getByTestId("delete-local-data").click();
  const dialog = p.page.getByRole("dialog");
  // The export comes first: Delete stays off until the person has had the chance to save it.
  const offer = dialog.getByTestId("ephemeral-key-export");
  await expect(offer).toBeVisible();
  await expect(offer).toContainText(/can never be used again/);
  await expect(dialog.getByTestId("confirm-delete")).toBeDisabled();
  await expect(dialog.getByTestId("ephemeral-key-value")).toHaveCount(0); // hidden until asked

  const [file] = await Promise.all([
    p.page.waitForEvent("download"),
    dialog.getByTestId("download-ephemeral-key").click(),
  ]);
  expect(file.suggestedFilename()).toMatch(/^ephemeral-wallet-0x[0-9a-f]{40}\.txt$/);
  await dialog.getByTestId("reveal-ephemeral-key").click();
  await expect(dialog.getByTestId("ephemeral-key-value")).toHaveText(key!);
  await shootBoth(p.page, "delete-data-ephemeral-key");

  await dialog.getByTestId("accept-key-loss").check();
  await dialog.getByTestId("confirm-delete").click();
  await expect(p.page).toHaveURL(/\/$/, { timeout: 30_000 });
  expect(await p.page.evaluate((k) => localStorage.getItem(k), KEY)).toBeNull();
});
