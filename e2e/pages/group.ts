import { expect, type Locator, type Page } from "@playwright/test";

/** The group screens: new-group dialog, header, info dialog with members. */
export class GroupPages {
  constructor(readonly page: Page) {}

  get members(): Locator {
    return this.page.getByTestId("group-members").getByTestId("group-member");
  }

  member(address: string): Locator {
    return this.page.locator(
      `[data-testid="group-member"][data-address="${address.toLowerCase()}"]`,
    );
  }

  get updates(): Locator {
    return this.page.getByTestId("group-update");
  }

  /**
   * New group → members by address or name (Enter each, once the line below says it can be
   * messaged: a name must resolve first) → name → Create; ends in the new thread.
   */
  async create(name: string, addresses: string[]): Promise<void> {
    await this.page.getByTestId("new-group").click();
    const input = this.page.getByTestId("group-member-input");
    for (const [i, address] of addresses.entries()) {
      await input.fill(address);
      await expect(this.page.getByTestId("can-message-status")).toHaveAttribute(
        "data-state",
        "reachable",
        { timeout: 20_000 },
      );
      await input.press("Enter");
      await expect(this.page.getByTestId("group-member-chip")).toHaveCount(i + 1, {
        timeout: 20_000,
      });
    }
    await this.page.getByTestId("group-name-input").fill(name);
    await this.page.getByTestId("create-group").click();
    await expect(this.page).toHaveURL(/[?&]c=/, { timeout: 30_000 });
    await expect(this.page.getByTestId("conversation-title")).toHaveText(name);
  }

  async openInfo(): Promise<void> {
    await this.page.getByTestId("group-info").click();
    await expect(this.page.getByTestId("group-members")).toBeVisible();
  }

  async closeInfo(): Promise<void> {
    await this.page.keyboard.press("Escape");
    await expect(this.page.getByTestId("group-members")).toBeHidden();
  }

  async rename(name: string): Promise<void> {
    await this.page.getByTestId("edit-group").click();
    await this.page.getByTestId("edit-group-name").fill(name);
    await this.page.getByTestId("save-group-info").click();
    await expect(this.page.getByTestId("group-info-name")).toHaveText(name, { timeout: 30_000 });
  }

  async remove(address: string): Promise<void> {
    const row = this.member(address);
    await row.getByTestId("member-menu").click();
    await row.getByTestId("member-remove").click();
    await expect(row).toHaveCount(0, { timeout: 30_000 });
  }
}
