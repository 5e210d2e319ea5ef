import { expect, test } from "@playwright/test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatePrivateKey } from "viem/accounts";
import { acceptedDm, newPerson, onboard, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// A backs up her history to a file in one browser profile, then that profile is gone. The
// same wallet in a fresh profile (a new device, nobody of A's online to hand history over)
// restores the file: the conversation and its messages show, read-only until B next writes;
// a wrong passphrase first is refused and changes nothing.
test.describe.configure({ mode: "serial" });

const PASS = "seven lanterns over the bay";
const stamp = Date.now();
const HELLO = `backup hello ${stamp}`;
const REPLY = `reply before the backup ${stamp}`;
const AFTER = `after the restore ${stamp}`;
const aKey = generatePrivateKey();
let a: Person, b: Person, a2: Person | undefined;
let backupPath: string;

test.beforeAll(async ({ browser }) => {
  a = await newPerson(browser, { privateKey: aKey, acceptDownloads: true });
  b = await newPerson(browser);
});

test.afterEach(() => {
  for (const p of [a, b, a2]) expect(p?.escaped ?? []).toEqual([]);
});

test.afterAll(async () => {
  for (const p of [a, b, a2]) await p?.context.close().catch(() => undefined);
});

test("A backs up her history to an encrypted file", async () => {
  test.setTimeout(180_000);
  await acceptedDm(a, b, HELLO);
  await expect(await b.app.send(REPLY)).toHaveAttribute("data-status", "published", {
    timeout: 20_000,
  });
  await expect(a.app.message(REPLY)).toBeVisible({ timeout: 20_000 });

  await a.app.openSettings();
  await a.page.getByTestId("backup-start").click();
  await a.page.getByTestId("backup-passphrase").fill("password1234");
  const meter = a.page.getByTestId("passphrase-strength");
  await expect(meter).toHaveAttribute("data-level", "too_weak");
  await expect(a.page.getByTestId("backup-create")).toBeDisabled();
  await shootBoth(a.page, "backup-form-weak", () =>
    meter.evaluate((el) => el.scrollIntoView({ block: "center" })),
  );
  await a.page.getByTestId("backup-passphrase").fill(PASS);
  await a.page.getByTestId("backup-passphrase-again").fill(PASS);
  await expect(meter).not.toHaveAttribute("data-level", "too_weak");
  await expect(a.page.getByTestId("backup-create")).toBeEnabled();
  // The whole form in view: both fields, the meter and the button.
  await shootBoth(a.page, "backup-form", () =>
    a.page.getByTestId("passphrase-strength").evaluate((el) => {
      el.scrollIntoView({ block: "center" });
    }),
  );

  const downloaded = a.page.waitForEvent("download");
  await a.page.getByTestId("backup-create").click();
  const download = await downloaded;
  expect(download.suggestedFilename()).toMatch(/^messenger-backup-\d{4}-\d{2}-\d{2}\.msgbackup$/);
  backupPath = join(mkdtempSync(join(tmpdir(), "backup-e2e-")), download.suggestedFilename());
  await download.saveAs(backupPath);
  await expect(a.page.getByTestId("backup-done")).toContainText("1 conversation", {
    timeout: 30_000,
  });
  // The file holds no readable word of the conversation.
  expect(readFileSync(backupPath).toString("latin1")).not.toContain("backup hello");
  // This browser profile is gone: no device of A's can answer a history request.
  await a.context.close();
});

test("a fresh profile of the same wallet restores it; the thread reads, read-only until B writes", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  a2 = await newPerson(browser, { privateKey: aKey });
  await onboard(a2);
  await expect(a2.app.items).toHaveCount(0);
  await a2.app.openSettings();

  await a2.page.getByTestId("restore-start").click();
  await a2.page.getByTestId("restore-file").setInputFiles(backupPath);
  await a2.page.getByTestId("restore-passphrase").fill("seven lanterns over the sea");
  await a2.page.getByTestId("restore-run").click();
  await expect(a2.page.getByTestId("restore-error")).toContainText("wrong passphrase", {
    timeout: 30_000,
  });
  await shootBoth(a2.page, "backup-restore-refused", () =>
    a2!.page.getByTestId("restore-error").scrollIntoViewIfNeeded(),
  );

  await a2.page.getByTestId("restore-passphrase").fill(PASS);
  await a2.page.getByTestId("restore-run").click();
  const summary = a2.page.getByTestId("restore-summary");
  // Two texts, and the read receipt B's app sent (stored messages too).
  await expect(summary).toContainText(/Restored 1 conversation, [23] messages \([23] new\)/, {
    timeout: 30_000,
  });
  await shootBoth(a2.page, "backup-restored", () => summary.scrollIntoViewIfNeeded());

  await a2.page.goto("/conversations");
  await a2.app.waitReady();
  await expect(a2.app.items.filter({ hasText: REPLY })).toHaveCount(1);
  await a2.app.items.filter({ hasText: REPLY }).click();
  await expect(a2.app.message(HELLO)).toBeVisible();
  await expect(a2.app.message(REPLY)).toBeVisible();
  await expect(a2.page.getByTestId("not-joined")).toBeVisible();
  await expect(a2.page.getByTestId("composer")).toHaveCount(0);
  await shootBoth(a2.page, "backup-thread-not-joined");

  // B writes: B's app adds A's new device first; A's restored thread goes on, writable.
  await expect(await b.app.send(AFTER)).toHaveAttribute("data-status", "published", {
    timeout: 20_000,
  });
  await expect(a2.app.message(AFTER)).toBeVisible({ timeout: 30_000 });
  await expect(a2.page.getByTestId("composer")).toBeVisible({ timeout: 20_000 });
  await expect(a2.page.getByTestId("not-joined")).toHaveCount(0);
});
