import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { BASE_URL, DESKTOP } from "./support/browser";
import { installInjectedWallet, type InjectedWallet } from "./support/injected-wallet";
import { guardNetwork } from "./support/network-guard";
import { shootBoth } from "./support/screenshots";
import { shortAddress } from "./support/person";
import { MessengerPage } from "./pages/messenger";
import { OnboardingPages } from "./pages/onboarding";

// Web Push in the browser: a push delivered to the real service worker registration
// (Chromium DevTools ServiceWorker.deliverPushMessage, as a push service would) shows a
// notification that opens the thread: with the app closed, the worker decrypts and stores
// the message (sender and text in the notification, the thread shows it once), or says
// "New message" when it cannot (sign to unlock on); the conversation's mute and the switch.
test.describe.configure({ mode: "serial" });

let alice: { context: BrowserContext; page: Page; escaped: string[] };
let bob: { context: BrowserContext; page: Page; escaped: string[]; wallet: InjectedWallet };
let conversationId = "";
const HELLO = `push me ${Date.now()}`;

test.beforeAll(async ({ browser }) => {
  const aContext = await browser.newContext({ viewport: DESKTOP, permissions: ["notifications"] });
  alice = {
    context: aContext,
    page: await aContext.newPage(),
    escaped: await guardNetwork(aContext),
  };
  const bContext = await browser.newContext({ viewport: DESKTOP, permissions: ["notifications"] });
  const bEscaped = await guardNetwork(bContext);
  const wallet = await installInjectedWallet(bContext);
  bob = { context: bContext, page: await bContext.newPage(), escaped: bEscaped, wallet };
});

test.afterEach(() => {
  expect(alice?.escaped ?? []).toEqual([]);
  expect(bob?.escaped ?? []).toEqual([]);
});

test.afterAll(async () => {
  await alice?.context.close();
  await bob?.context.close();
});

/** The service worker registration's id as DevTools knows it. */
async function registrationId(
  page: Page,
): Promise<{ id: string; send: (data: string) => Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  const found: { registrationId: string; scopeURL: string }[] = [];
  cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => found.push(...e.registrations));
  await cdp.send("ServiceWorker.enable");
  await expect
    .poll(() => found.some((r) => r.scopeURL === `${BASE_URL}/`), { timeout: 15_000 })
    .toBe(true);
  const id = found.find((r) => r.scopeURL === `${BASE_URL}/`)!.registrationId;
  return {
    id,
    send: async (data) => {
      await cdp.send("ServiceWorker.deliverPushMessage", {
        origin: BASE_URL,
        registrationId: id,
        data,
      });
    },
  };
}

/** The node id of the conversation's newest envelope, asked of the node as the worker does. */
async function newestNodeId(page: Page, groupId: string): Promise<string> {
  const res = await page.request.post(`${BASE_URL}/xmtp.mls.api.v1.MlsApi/QueryGroupMessages`, {
    data: {
      groupId: Buffer.from(groupId, "hex").toString("base64"),
      pagingInfo: { direction: "SORT_DIRECTION_DESCENDING", limit: 1 },
    },
  });
  expect(res.ok()).toBe(true);
  const id = ((await res.json()) as { messages: { v1: { id: string } }[] }).messages[0]?.v1.id;
  expect(id).toMatch(/^\d+$/);
  return id!;
}

const shownNotifications = (page: Page) =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      url: (n.data as { url?: string })?.url,
    }));
  });

test("setup: Bob and Alice onboard; Alice messages Bob", async () => {
  await new OnboardingPages(bob.page).onboard("MetaMask");
  await new MessengerPage(bob.page).waitReady();
  await new OnboardingPages(alice.page).onboard("Ephemeral wallet");
  const app = new MessengerPage(alice.page);
  await app.waitReady();
  await app.startDm(bob.wallet.address);
  await expect(await app.send(HELLO)).toHaveAttribute("data-status", "published", {
    timeout: 15_000,
  });
  conversationId = new URL(alice.page.url()).searchParams.get("c")!;
  expect(conversationId).toMatch(/^[0-9a-f]+$/);
});

test("a push with the app closed shows a generic New message whose tap target is the thread", async () => {
  const push = await registrationId(alice.page);
  // No window of the app is open: what a phone sees with the app closed.
  await alice.page.goto("about:blank");
  // An id the node does not hold for this conversation: nothing to read, a generic notice.
  await push.send(JSON.stringify({ v: 1, group: conversationId, id: "999999999" }));
  await push.send("not from our node"); // still a notice, to the conversation list
  await alice.page.goto("/settings");
  await expect
    .poll(() => shownNotifications(alice.page), { timeout: 15_000 })
    .toEqual(
      expect.arrayContaining([
        {
          title: "New message",
          body: "Open the app to read it.",
          tag: conversationId,
          url: `/conversations?c=${conversationId}`,
        },
        {
          title: "New message",
          body: "Open the app to read it.",
          tag: "messenger-push",
          url: "/conversations",
        },
      ]),
    );
});

test("with the app closed, the worker reads the push: sender and text; the thread shows it once", async () => {
  const bobApp = new MessengerPage(bob.page);
  await bobApp.acceptRequest(HELLO);
  const push = await registrationId(bob.page);
  await bob.page.goto("about:blank"); // Bob's app is closed; his service worker is not
  const text = `while you were away ${Date.now()}`;
  await alice.page.goto(`/conversations?c=${conversationId}`);
  await expect(await new MessengerPage(alice.page).send(text)).toHaveAttribute(
    "data-status",
    "published",
    { timeout: 20_000 },
  );
  const id = await newestNodeId(alice.page, conversationId);
  const aliceAddress = await alice.page.evaluate(() =>
    localStorage.getItem("messenger:lastAddress"),
  );
  await push.send(JSON.stringify({ v: 1, group: conversationId, id }));
  // Any page of the app counts as an open window (then the page reads, not the worker):
  // give the worker time to start before one opens to read the notifications.
  await bob.page.waitForTimeout(3000);
  await bob.page.goto("/");
  await expect
    .poll(() => shownNotifications(bob.page), { timeout: 20_000 })
    .toContainEqual({
      title: shortAddress(aliceAddress!),
      body: text,
      tag: conversationId,
      url: `/conversations?c=${conversationId}`,
    });
  // The tap target: the thread, where the message the worker stored shows once.
  await bob.page.goto(`/conversations?c=${conversationId}`);
  await expect(bobApp.message(text)).toHaveCount(1, { timeout: 30_000 });
  await expect(bobApp.message(HELLO)).toHaveCount(1);
  await bob.page.waitForTimeout(1500); // the stream's catch-up has run: still once
  await expect(bobApp.message(text)).toHaveCount(1);
  await expect(bob.page.getByText(/could not be decrypted|cannot decrypt/i)).toHaveCount(0);
});

test("muting a conversation in its header sticks across a reload", async () => {
  const page = alice.page;
  await page.goto(`/conversations?c=${conversationId}`);
  const app = new MessengerPage(page);
  await expect(app.message(HELLO)).toBeVisible({ timeout: 30_000 });
  const mute = page.getByTestId("mute-conversation");
  await expect(mute).toHaveAttribute("aria-pressed", "false");
  await mute.click();
  await expect(mute).toHaveAttribute("aria-pressed", "true");
  await expect(mute).toHaveAccessibleName("Unmute notifications");
  await page.reload();
  await expect(app.message(HELLO)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("mute-conversation")).toHaveAttribute("aria-pressed", "true");
  await shootBoth(page, "thread-muted", async () => {
    await expect(page.getByTestId("mute-conversation")).toBeVisible();
  });
});

// Playwright's headless Chromium has no push service: PushManager.subscribe is refused
// ("Registration failed - permission denied"), so this holds the refusal path; subscribing
// for real is covered node-side (server/test/api-push.test.ts, test/integration/web-push.test.ts).
test("when the browser refuses a push subscription, the switch stays off and says why", async () => {
  const page = alice.page;
  await page.goto("/settings");
  const toggle = page.getByTestId("push-switch");
  await expect(toggle).toHaveAttribute("aria-checked", "false", { timeout: 30_000 });
  await shootBoth(page, "settings-notifications-off", async () => {
    await toggle.scrollIntoViewIfNeeded();
  });
  await toggle.click();
  await expect(page.getByTestId("push-error")).toContainText(
    /This browser refused a push subscription: .+/,
    { timeout: 20_000 },
  );
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await expect(toggle).toBeEnabled();
  await shootBoth(page, "settings-notifications-refused", async () => {
    await toggle.scrollIntoViewIfNeeded();
  });
});

test("with sign to unlock on, the worker cannot open the store: a generic New message", async () => {
  test.setTimeout(120_000);
  const page = bob.page;
  await page.goto("/settings");
  const toggle = page.getByTestId("sign-to-unlock-toggle");
  await expect(toggle).not.toBeChecked({ timeout: 30_000 });
  await toggle.click();
  await page.getByTestId("confirm-sign-to-unlock").click();
  await expect(page).toHaveURL(/\/settings/, { timeout: 30_000 });
  await expect(page.getByTestId("sign-to-unlock-toggle")).toBeChecked();
  const push = await registrationId(page);
  await page.goto("about:blank");
  await alice.page.goto(`/conversations?c=${conversationId}`);
  const text = `locked away ${Date.now()}`;
  await expect(await new MessengerPage(alice.page).send(text)).toHaveAttribute(
    "data-status",
    "published",
    { timeout: 20_000 },
  );
  await push.send(
    JSON.stringify({
      v: 1,
      group: conversationId,
      id: await newestNodeId(alice.page, conversationId),
    }),
  );
  await page.waitForTimeout(3000);
  await page.goto("/");
  await expect
    .poll(() => shownNotifications(page), { timeout: 20_000 })
    .toContainEqual({
      title: "New message",
      body: "Open the app to read it.",
      tag: conversationId,
      url: `/conversations?c=${conversationId}`,
    });
  expect(
    (await shownNotifications(page)).filter((n) => n.tag === conversationId && n.body === text),
  ).toEqual([]);
});
