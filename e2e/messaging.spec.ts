import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { launchInstalledProfile, DESKTOP, PHONE } from "./support/browser";
import { installInjectedWallet, type InjectedWallet } from "./support/injected-wallet";
import { guardNetwork } from "./support/network-guard";
import { shootBoth } from "./support/screenshots";
import { MessengerPage } from "./pages/messenger";
import { OnboardingPages } from "./pages/onboarding";

// One story, in order: A (ephemeral wallet, in a persistent profile like an installed
// app) and B (injected "MetaMask" wallet) onboard and chat live; reloads need no
// signature; A's installed app opens offline with its history; the app is installable.
test.describe.configure({ mode: "serial" });

let a: { context: BrowserContext; page: Page; escaped: string[]; dispose: () => Promise<void> };
let b: { context: BrowserContext; page: Page; escaped: string[]; wallet: InjectedWallet };
const FIRST = `hello from A ${Date.now()}`;
const REPLY = `reply from B ${Date.now()}`;
const SECOND = `and back to B ${Date.now()}`;
const NOTE = `while you were away ${Date.now()}`;

test.beforeAll(async ({ browser }) => {
  const profile = await launchInstalledProfile(DESKTOP);
  const aEscaped = await guardNetwork(profile.context);
  a = {
    ...profile,
    escaped: aEscaped,
    page: profile.context.pages()[0] ?? (await profile.context.newPage()),
  };

  // B allowed notifications (the onboarding step's "Turn on notifications").
  const bContext = await browser.newContext({ viewport: DESKTOP, permissions: ["notifications"] });
  const bEscaped = await guardNetwork(bContext);
  const wallet = await installInjectedWallet(bContext);
  b = { context: bContext, page: await bContext.newPage(), escaped: bEscaped, wallet };
});

test.afterEach(() => {
  // No request left 127.0.0.1 in either browser, whatever the test did.
  expect(a?.escaped ?? []).toEqual([]);
  expect(b?.escaped ?? []).toEqual([]);
});

test.afterAll(async () => {
  await b?.context.close();
  await a?.dispose();
});

test("A (ephemeral wallet) and B (injected wallet) onboard, and messages arrive live both ways", async () => {
  // B first: A can only message an address that has activated.
  await new OnboardingPages(b.page).onboard("MetaMask");
  expect(b.wallet.signatureRequests).toBeGreaterThan(0);
  const bApp = new MessengerPage(b.page);
  await bApp.waitReady();

  await new OnboardingPages(a.page).onboard("Ephemeral wallet");
  const aApp = new MessengerPage(a.page);
  await aApp.waitReady();
  await aApp.startDm(b.wallet.address);
  const sent = await aApp.send(FIRST);
  await expect(sent).toHaveAttribute("data-status", "published", { timeout: 15_000 });

  // B: the conversation and its preview appear without any click.
  // A is new to B: the conversation waits under Requests until B accepts it.
  await expect(bApp.items).toHaveCount(0);
  await expect(b.page.getByTestId("requests-count")).toHaveText("1", { timeout: 20_000 });
  await bApp.acceptRequest(FIRST);
  await expect(bApp.items).toHaveCount(1);
  await expect(bApp.items.first()).toContainText(FIRST);
  await expect(bApp.message(FIRST)).toBeVisible();

  const reply = await bApp.send(REPLY);
  await expect(reply).toHaveAttribute("data-status", "published", { timeout: 15_000 });
  // A has the thread open: the reply appears without any click.
  await expect(aApp.message(REPLY)).toBeVisible({ timeout: 20_000 });

  const again = await aApp.send(SECOND);
  await expect(again).toHaveAttribute("data-status", "published", { timeout: 15_000 });
  await expect(bApp.message(SECOND)).toBeVisible({ timeout: 20_000 });
  await expect(aApp.items.first()).toContainText(SECOND);
});

test("a message that arrives while the app is in the background counts as unread and rings a notification through the service worker", async () => {
  const bApp = new MessengerPage(b.page);
  const conversationId = new URL(b.page.url()).searchParams.get("c");
  expect(conversationId).toBeTruthy();
  await b.page.goto("/conversations");
  await bApp.waitReady();
  await expect(bApp.items.first().getByTestId("unread-count")).toHaveCount(0);
  // Headless pages are always "visible": report B's page as hidden, as when the
  // person switched to another app.
  await b.page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    document.dispatchEvent(new Event("visibilitychange"));
  });

  await new MessengerPage(a.page).send(NOTE);
  await expect(bApp.items.first()).toContainText(NOTE, { timeout: 20_000 });
  await expect(bApp.items.first().getByTestId("unread-count")).toHaveText("1");
  await expect(b.page).toHaveTitle(/^\(1\) /);

  const shown = () =>
    b.page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return (await registration.getNotifications()).map((n) => ({
        body: n.body,
        url: (n.data as { url?: string })?.url,
      }));
    });
  await expect.poll(shown, { timeout: 15_000 }).toContainEqual({
    body: NOTE,
    url: `/conversations?c=${encodeURIComponent(conversationId!)}`,
  });

  // Back in the app, opening the conversation reads it.
  await b.page.evaluate(() => {
    delete (document as { visibilityState?: unknown }).visibilityState;
    delete (document as { hidden?: unknown }).hidden;
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await bApp.items.first().click();
  await expect(bApp.message(NOTE)).toBeVisible();
  await expect(bApp.items.first().getByTestId("unread-count")).toHaveCount(0);
  await expect(b.page).not.toHaveTitle(/^\(/);
});

test("screenshots: conversations, new-message dialog, thread, settings", async () => {
  const page = a.page;
  const app = new MessengerPage(page);
  const url = page.url();
  await shootBoth(page, "thread");
  await shootBoth(page, "conversations-with-items", async () => {
    await page.goto("/conversations");
    await app.waitReady();
    await expect(app.items).toHaveCount(1);
  });
  await shootBoth(page, "new-message-dialog", async () => {
    await page.goto("/conversations");
    await app.waitReady();
    await app.openNewMessage();
    await page.getByTestId("address-input").fill(b.wallet.address);
    await expect(page.getByTestId("can-message-status")).toContainText(/can be messaged/i, {
      timeout: 20_000,
    });
  });
  await shootBoth(page, "settings", async () => {
    await page.goto("/settings");
    await expect(page.getByTestId("my-address")).toBeVisible({ timeout: 30_000 });
  });
  // Dark mode follows the system.
  await page.emulateMedia({ colorScheme: "dark" });
  await shootBoth(page, "thread-dark", async () => {
    await page.goto(url);
    await expect(app.message(SECOND)).toBeVisible({ timeout: 30_000 });
  });
  await page.emulateMedia({ colorScheme: null });
  await page.goto(url);
  await expect(app.message(SECOND)).toBeVisible({ timeout: 30_000 });
});

test("a reload asks the wallet for nothing and shows the history at once", async () => {
  const before = b.wallet.signatureRequests;
  await b.page.reload();
  const bApp = new MessengerPage(b.page);
  await bApp.waitReady();
  await expect(bApp.message(FIRST)).toBeVisible({ timeout: 15_000 });
  await expect(bApp.message(REPLY)).toHaveAttribute("data-status", "published");
  await expect(bApp.message(SECOND)).toBeVisible();
  // A fresh visit to / goes straight to the conversations, still without signing.
  await b.page.goto("/");
  await bApp.waitReady();
  await expect(bApp.items).toHaveCount(1);
  expect(b.wallet.signatureRequests).toBe(before);

  await a.page.reload();
  await expect(new MessengerPage(a.page).message(REPLY)).toBeVisible({ timeout: 15_000 });
});

test("the installed app opens offline with its conversations and messages", async () => {
  const page = a.page;
  const app = new MessengerPage(page);
  const thread = page.url();
  expect(thread).toMatch(/\/conversations\?c=/);
  // The service worker controls the page and has precached the shell.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }),
      );
    }
  });
  // Precached: the four pages, the manifest, the icons, and every script this page runs.
  const shell = () =>
    page.evaluate(async () => {
      const paths: string[] = [];
      for (const name of await caches.keys()) {
        if (!name.startsWith("messenger-shell-") || name.endsWith("-meta")) continue;
        for (const req of await (await caches.open(name)).keys())
          paths.push(new URL(req.url).pathname);
      }
      return paths;
    });
  await expect
    .poll(shell)
    .toEqual(
      expect.arrayContaining([
        "/",
        "/onboarding",
        "/conversations",
        "/settings",
        "/manifest.webmanifest",
        "/icons/icon-192.png",
      ]),
    );
  // …including chunks the page pulled in with import() after hydration.
  const used = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .map((e) => new URL(e.name).pathname)
      .filter((p) => p.startsWith("/_next/static/")),
  );
  expect(used.length).toBeGreaterThan(0);
  await expect.poll(shell).toEqual(expect.arrayContaining(used));

  await a.context.setOffline(true);
  try {
    // Really offline: the node is unreachable from the page.
    const reachable = await page.evaluate(() =>
      fetch("/healthz").then(
        () => true,
        () => false,
      ),
    );
    expect(reachable).toBe(false);

    // The same conversation URL (with its ?c=) comes from the cached /conversations shell.
    const res = await page.reload();
    expect(res?.fromServiceWorker()).toBe(true);
    await expect(app.message(FIRST)).toBeVisible({ timeout: 20_000 });
    await expect(app.message(REPLY)).toBeVisible();
    await expect(app.message(SECOND)).toBeVisible();
    await expect(app.message(NOTE)).toBeVisible();

    // Opening the installed app (its start_url) offline shows the list too.
    await page.goto("/conversations");
    await expect(app.items).toHaveCount(1, { timeout: 20_000 });
    await expect(app.items.first()).toContainText(NOTE);
    await page.setViewportSize(PHONE);
    await expect(app.items).toHaveCount(1);
  } finally {
    await page.setViewportSize(DESKTOP);
    await a.context.setOffline(false);
  }
});

test("Chromium finds the app installable (no installability errors)", async () => {
  const page = a.page;
  await page.goto("/conversations");
  await new MessengerPage(page).waitReady();
  const manifest = await page.evaluate(async () => {
    const href = document.querySelector<HTMLLinkElement>('link[rel="manifest"]')?.href;
    return href ? (await fetch(href)).json() : null;
  });
  expect(manifest).toMatchObject({
    name: "Messenger",
    display: "standalone",
    start_url: "/conversations",
  });

  const cdp = await a.context.newCDPSession(page);
  await expect
    .poll(async () => (await cdp.send("Page.getInstallabilityErrors")).installabilityErrors, {
      timeout: 15_000,
    })
    .toEqual([]);
  const { url, errors } = await cdp.send("Page.getAppManifest");
  expect(url).toMatch(/\/manifest\.webmanifest$/);
  expect(errors).toEqual([]);
  await cdp.detach();
});
