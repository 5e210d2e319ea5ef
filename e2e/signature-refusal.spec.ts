import { expect, test } from "@playwright/test";
import { DESKTOP, PHONE } from "./support/browser";
import { installInjectedWallet } from "./support/injected-wallet";
import { guardNetwork } from "./support/network-guard";
import { shoot, shootBoth } from "./support/screenshots";
import { MessengerPage } from "./pages/messenger";
import { OnboardingPages } from "./pages/onboarding";

test("a wallet that refuses to sign gets a clear error, and the retry activates messaging", async ({
  context,
  page,
}) => {
  const escaped = await guardNetwork(context);
  const wallet = await installInjectedWallet(context, { rejectSignatures: true });
  const onboarding = new OnboardingPages(page);

  await page.setViewportSize(PHONE);
  await onboarding.openLanding();
  await shootBoth(page, "connect");
  await onboarding.openWalletList();
  await shoot(page, "connect-wallet-list");
  await onboarding.chooseWallet("MetaMask");
  await shootBoth(page, "onboarding-activate");

  await onboarding.activate();
  const error = page.getByTestId("onboarding-error");
  await expect(error).toBeVisible({ timeout: 15_000 });
  await expect(error).not.toBeEmpty();
  expect(wallet.signatureRequests).toBe(1);
  await expect(page.getByTestId("activate-messaging")).toBeEnabled();
  await shootBoth(page, "onboarding-error");

  // The person changes their mind: the same button now activates messaging.
  wallet.rejectSignatures = false;
  await onboarding.activate();
  await expect(page.getByTestId("skip-onboarding-step")).toBeVisible({ timeout: 30_000 });
  await expect(error).toHaveCount(0);
  await shootBoth(page, "onboarding-notifications");
  await onboarding.skipNotifyStep();

  const app = new MessengerPage(page);
  await app.waitReady();
  await expect(app.items).toHaveCount(0);
  await shootBoth(page, "conversations-empty");
  await page.setViewportSize(DESKTOP);
  await app.openSettings();
  await expect(page.getByTestId("my-address")).toHaveText(new RegExp(wallet.address, "i"));
  expect(escaped).toEqual([]);
});
