import { expect, type Page } from "@playwright/test";

export type WalletChoice = "Ephemeral wallet" | "MetaMask";

/** Landing → RainbowKit modal → onboarding (activate, then the skippable step). */
export class OnboardingPages {
  constructor(readonly page: Page) {}

  async openLanding(): Promise<void> {
    await this.page.goto("/");
    await expect(this.page.getByTestId("connect-wallet")).toBeEnabled();
  }

  /** Opens the wallet list (the RainbowKit modal). */
  async openWalletList(): Promise<void> {
    await this.page.getByTestId("connect-wallet").click();
    await expect(this.walletOption("Ephemeral wallet")).toBeVisible();
  }

  walletOption(choice: WalletChoice) {
    return this.page
      .getByRole("dialog")
      .getByRole("button", { name: new RegExp(choice) })
      .first();
  }

  async chooseWallet(choice: WalletChoice): Promise<void> {
    await this.walletOption(choice).click();
    await expect(this.page).toHaveURL(/\/onboarding$/);
    await expect(this.page.getByTestId("activate-messaging")).toBeEnabled();
  }

  async activate(): Promise<void> {
    await this.page.getByTestId("activate-messaging").click();
  }

  async skipNotifyStep(): Promise<void> {
    await this.page.getByTestId("skip-onboarding-step").click();
    await expect(this.page).toHaveURL(/\/conversations/);
  }

  /** The whole first-run path for a new account; ends on /conversations. */
  async onboard(choice: WalletChoice): Promise<void> {
    await this.openLanding();
    await this.openWalletList();
    await this.chooseWallet(choice);
    await this.activate();
    await expect(this.page.getByTestId("skip-onboarding-step")).toBeVisible({ timeout: 30_000 });
    await this.skipNotifyStep();
  }
}
