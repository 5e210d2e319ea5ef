import { expect, type Locator, type Page } from "@playwright/test";

/** The signed-in shell: conversation list, new-message dialog, thread, settings. */
export class MessengerPage {
  constructor(readonly page: Page) {}

  get items(): Locator {
    return this.page.getByTestId("conversation-item");
  }

  get messages(): Locator {
    return this.page.getByTestId("message");
  }

  message(text: string): Locator {
    return this.messages.filter({ hasText: text });
  }

  async waitReady(): Promise<void> {
    await expect(this.page).toHaveURL(/\/conversations/);
    await expect(this.page.getByTestId("new-conversation")).toBeVisible({ timeout: 30_000 });
  }

  async openNewMessage(): Promise<void> {
    await this.page.getByTestId("new-conversation").click();
    await expect(this.page.getByTestId("address-input")).toBeVisible();
  }

  /** New message → address → reachable → the DM opens. */
  async startDm(address: string): Promise<void> {
    await this.openNewMessage();
    await this.page.getByTestId("address-input").fill(address);
    await expect(this.page.getByTestId("can-message-status")).toContainText(/can be messaged/i, {
      timeout: 20_000,
    });
    await this.page.getByTestId("start-conversation").click();
    await expect(this.page).toHaveURL(/[?&]c=/, { timeout: 20_000 });
    await expect(this.page.getByTestId("composer")).toBeVisible();
  }

  async send(text: string): Promise<Locator> {
    await this.page.getByTestId("composer").fill(text);
    await this.page.getByTestId("composer").press("Enter");
    const bubble = this.message(text);
    await expect(bubble).toHaveCount(1);
    return bubble;
  }

  /** Requests tab → the request holding `text` → read it → Accept; ends in the inbox tab's thread. */
  async acceptRequest(text: string): Promise<void> {
    await this.openRequest(text);
    await this.page.getByTestId("accept-request").click();
    await expect(this.page.getByTestId("composer")).toBeVisible({ timeout: 20_000 });
    await this.page.getByTestId("tab-inbox").click();
  }

  /** Opens a message request (without accepting it). */
  async openRequest(text: string): Promise<void> {
    await expect(this.page.getByTestId("requests-count")).toBeVisible({ timeout: 30_000 });
    await this.page.getByTestId("tab-requests").click();
    const item = this.items.filter({ hasText: text });
    await expect(item).toHaveCount(1, { timeout: 30_000 });
    await item.click();
    await expect(this.page.getByTestId("request-bar")).toBeVisible();
  }

  async openSettings(): Promise<void> {
    await this.page.getByTestId("settings").click();
    await expect(this.page).toHaveURL(/\/settings/);
    await expect(this.page.getByTestId("my-address")).toBeVisible();
  }
}
