import { expect, test } from "@playwright/test";
import { generatePrivateKey } from "viem/accounts";
import { newPerson, onboard, shortAddress, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// B, a stranger, writes to A: it waits under Requests; A blocks B and B's next message never
// shows. A opens a second browser with the same wallet (a second installation, one
// signature), sees both devices, and revokes the first, which can then neither send nor read.
test.describe.configure({ mode: "serial" });

let a: Person, b: Person, c: Person, a2: Person;
const aKey = generatePrivateKey();
const stamp = Date.now();
const FIRST = `hi, we met at the conference ${stamp}`;
const SECOND = `are you there? ${stamp}`;
const EARLIER = `lunch on friday? ${stamp}`;

test.beforeAll(async ({ browser }) => {
  a = await newPerson(browser, { privateKey: aKey });
  b = await newPerson(browser);
  c = await newPerson(browser);
});

test.afterEach(() => {
  for (const p of [a, b, c, a2]) expect(p?.escaped ?? []).toEqual([]);
});

test.afterAll(async () => {
  for (const p of [a, b, c, a2]) await p?.context.close();
});

test("a stranger's message lands in Requests, is read without a receipt, and blocking hides what follows", async () => {
  test.setTimeout(120_000);
  await onboard(a);
  await onboard(b);
  await onboard(c);
  // A's own earlier conversation, for the second device's history later.
  await a.app.startDm(c.wallet.address);
  await expect(await a.app.send(EARLIER)).toHaveAttribute("data-status", "published", {
    timeout: 20_000,
  });
  await b.app.startDm(a.wallet.address);
  await expect(await b.app.send(FIRST)).toHaveAttribute("data-status", "published", {
    timeout: 20_000,
  });

  // A: the request is not in the inbox (only A's own DM with C is), it waits under Requests.
  await expect(a.page.getByTestId("requests-count")).toHaveText("1", { timeout: 30_000 });
  await expect(a.app.items).toHaveCount(1);
  await expect(a.app.items.first()).toContainText(EARLIER);
  await a.app.openRequest(FIRST);
  await expect(a.app.message(FIRST)).toBeVisible();
  await expect(a.page.getByTestId("composer")).toHaveCount(0);
  await shootBoth(a.page, "consent-request");
  // Reading a request tells B nothing.
  await b.page.waitForTimeout(1_500);
  await expect(b.page.getByTestId("read-receipt")).toHaveCount(0);

  await a.page.getByTestId("block-request").click();
  await expect(a.page.getByTestId("requests-count")).toHaveCount(0, { timeout: 20_000 });

  await expect(await b.app.send(SECOND)).toHaveAttribute("data-status", "published", {
    timeout: 20_000,
  });
  // Give A's stream every chance to show it, then check it is nowhere.
  await a.page.waitForTimeout(3_000);
  await expect(a.app.items).toHaveCount(0); // the Requests tab, still open, is empty
  await a.page.getByTestId("tab-inbox").click();
  await expect(a.app.items).toHaveCount(1); // only the DM with C
  await expect(a.page.getByText(SECOND)).toHaveCount(0);

  await a.app.openSettings();
  const blocked = a.page.getByTestId("blocked-item");
  await expect(blocked).toHaveCount(1);
  await expect(blocked).toContainText(shortAddress(b.wallet.address));
  await shootBoth(a.page, "consent-blocked-settings");
});

test("the same wallet in a second browser is a second device: it gets the history and the block, then revokes the first", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  a2 = await newPerson(browser, { privateKey: aKey });
  expect(a2.wallet.address).toBe(a.wallet.address);
  // A's first browser stays open: it answers the new device's request for history.
  await a.page.goto("/conversations");
  await a.app.waitReady();
  await onboard(a2);
  expect(a2.wallet.signatureRequests).toBe(1);
  await expect(a2.page.getByTestId("history-sync")).toHaveAttribute("data-phase", "done", {
    timeout: 60_000,
  });
  await shootBoth(a2.page, "history-restored");
  await expect(a2.app.items.filter({ hasText: EARLIER })).toHaveCount(1);
  await a2.app.items.filter({ hasText: EARLIER }).click();
  await expect(a2.app.message(EARLIER)).toBeVisible();
  await expect(a2.page.getByTestId("requests-count")).toHaveCount(0); // B stays blocked
  await a2.app.openSettings();
  await expect(a2.page.getByTestId("blocked-item")).toContainText(shortAddress(b.wallet.address));

  await a2.page.getByTestId("manage-devices").click();
  const devices = a2.page.getByTestId("device");
  await expect(devices).toHaveCount(2, { timeout: 30_000 });
  await expect(a2.page.locator('[data-testid="device"][data-current="true"]')).toHaveCount(1);
  await shootBoth(a2.page, "devices");

  const first = a2.page.locator('[data-testid="device"][data-current="false"]');
  await first.getByTestId("revoke-device").click();
  await a2.page.getByTestId("confirm-revoke").click();
  await expect(devices).toHaveCount(1, { timeout: 30_000 });
  expect(a2.wallet.signatureRequests).toBe(2);

  // The first browser learns it was revoked and can no longer write.
  await a.page.goto("/conversations");
  await expect(a.page.getByTestId("device-revoked")).toBeVisible({ timeout: 30_000 });
  await shootBoth(a.page, "device-revoked");
});
