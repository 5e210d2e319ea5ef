import { expect, test } from "@playwright/test";
import { DESKTOP, PHONE } from "./support/browser";
import { installInjectedWallet } from "./support/injected-wallet";
import { guardNetwork } from "./support/network-guard";
import { shortAddress } from "./support/person";
import { shoot } from "./support/screenshots";
import { OnboardingPages } from "./pages/onboarding";

// Issue 16 item 4: a person with two wallets installed (MetaMask and Rabby, both announcing
// themselves by EIP-6963) sees each by its own name and icon, no nameless "Browser Wallet"
// duplicate, and the one they pick is the one that signs.
test("every EIP-6963 wallet is listed by name, and the chosen one (not window.ethereum) activates", async ({
  context,
  page,
}) => {
  const escaped = await guardNetwork(context);
  const metamask = await installInjectedWallet(context); // also window.ethereum
  const rabby = await installInjectedWallet(context, {
    name: "Rabby Wallet",
    rdns: "io.rabby",
    color: "#7084ff",
    windowEthereum: false,
  });
  const onboarding = new OnboardingPages(page);

  await page.setViewportSize(PHONE);
  await onboarding.openLanding();
  await onboarding.openWalletList();
  const list = page.getByRole("dialog");
  await expect(list.getByRole("button", { name: /MetaMask/ })).toBeVisible();
  await expect(list.getByRole("button", { name: /Rabby Wallet/ })).toBeVisible();
  await expect(list.getByRole("button", { name: /Browser Wallet/ })).toHaveCount(0);
  await shoot(page, "wallet-list-two-wallets");
  await page.setViewportSize(DESKTOP);
  await shoot(page, "wallet-list-two-wallets");

  await list.getByRole("button", { name: /Rabby Wallet/ }).click();
  await expect(page).toHaveURL(/\/onboarding$/);
  await expect(page.getByText(shortAddress(rabby.address)).first()).toBeVisible();
  await onboarding.activate();
  await expect(page.getByTestId("skip-onboarding-step")).toBeVisible({ timeout: 30_000 });
  expect(rabby.approved).toBe(true);
  expect(rabby.signatureRequests).toBe(1);
  expect(metamask.approved).toBe(false);
  expect(metamask.signatureRequests).toBe(0);
  expect(escaped).toEqual([]);
});

// The landing page paints and answers without the wallet stack; a click before it has
// loaded still opens the list.
test("the landing page loads the wallet stack only on demand or when idle, and an early click still opens the list", async ({
  context,
  page,
}) => {
  await installInjectedWallet(context);
  // Hold the wallet stack's chunks back until the button was pressed.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const held: string[] = [];
  await page.route(/\/_next\/static\/.*\.js$/, async (route) => {
    const body = await (await route.fetch()).text();
    if (/rainbowkit|connectorsForWallets/i.test(body)) {
      held.push(route.request().url());
      await released;
    }
    await route.fulfill({ body, contentType: "text/javascript" });
  });
  await page.goto("/");
  const button = page.getByTestId("connect-wallet");
  await expect(button).toBeEnabled();
  await expect.poll(() => held.length, { timeout: 15_000 }).toBeGreaterThan(0); // the idle prefetch
  await button.click();
  await expect(button).toHaveText(/Loading wallets/);
  await shoot(page, "landing-loading-wallets");
  release();
  await expect(page.getByRole("dialog").getByRole("button", { name: /MetaMask/ })).toBeVisible();
  // Chunks still in flight when the test ends must not fail it.
  await page.unrouteAll({ behavior: "ignoreErrors" });
});
