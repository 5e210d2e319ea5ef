import { expect, test } from "@playwright/test";
import { acceptedDm, twoPeople, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// Issue 17 items 1 and 7 in two browsers: A edits a message and B sees the new words, the
// "edited" mark and the history; B is offered neither Edit nor Delete on A's message; A
// deletes it and B sees "This message was deleted" in place, its reply quoting a deleted
// message; markdown typed by A reaches B bold, while "2*3*4" stays as typed.
test.describe.configure({ mode: "serial" });

let a: Person, b: Person;
const stamp = Date.now();
const HELLO = `hi from a ${stamp}`;
const V1 = `meet at 5 ${stamp}`;
const V2 = `meet at 6 ${stamp}`;
const REPLY = `see you then ${stamp}`;

twoPeople((pa, pb) => ([a, b] = [pa, pb]));

test("A edits; B sees the new words in place, the edited mark and the history", async () => {
  test.setTimeout(180_000);
  await acceptedDm(a, b, HELLO);
  await b.app.items.first().click();

  const mine = await a.app.send(V1);
  await expect(mine).toHaveAttribute("data-status", "published", { timeout: 20_000 });
  await mine.hover();
  await mine.getByTestId("message-menu").click();
  await a.page.getByTestId("edit-message").click();
  await expect(a.page.getByTestId("edit-preview")).toContainText(V1);
  await expect(a.page.getByTestId("composer")).toHaveValue(V1);
  await shootBoth(a.page, "edit-composer");
  await a.page.getByTestId("composer").fill(V2);
  await a.page.getByTestId("composer").press("Enter");
  await expect(a.page.getByTestId("edit-preview")).toHaveCount(0);
  await expect(a.page.getByTestId("composer")).toHaveValue("");

  const order = async () =>
    b.page.getByTestId("message").evaluateAll((els) => els.map((e) => e.textContent ?? ""));
  const edited = b.app.message(V2).filter({ has: b.page.getByTestId("edited-mark") });
  await expect(edited).toHaveCount(1, { timeout: 30_000 });
  await expect(b.app.message(V1)).toHaveCount(0); // the old words are only in the history
  // The edit kept the message's place: still right after HELLO.
  const texts = await order();
  expect(texts.findIndex((t) => t.includes(V2))).toBe(
    texts.findIndex((t) => t.includes(HELLO)) + 1,
  );

  await edited.getByTestId("edited-mark").click();
  const history = b.page.getByTestId("edit-version");
  await expect(history).toHaveCount(2);
  await expect(history.nth(0)).toContainText(V2);
  await expect(history.nth(1)).toContainText("Original");
  await expect(history.nth(1)).toContainText(V1);
  await shootBoth(b.page, "edit-history");
  await edited.getByTestId("edited-mark").click();
});

test("B is offered neither Edit nor Delete on A's message, both on its own", async () => {
  const theirs = b.app.message(V2);
  await theirs.hover();
  await expect(theirs.getByTestId("react")).toBeVisible();
  await expect(theirs.getByTestId("message-menu")).toHaveCount(0);

  await theirs.getByTestId("reply").click();
  await b.page.getByTestId("composer").fill(REPLY);
  await b.page.getByTestId("composer").press("Enter");
  const reply = b.app.message(REPLY);
  await expect(reply).toHaveAttribute("data-status", "published", { timeout: 20_000 });
  await expect(reply.getByTestId("reply-quote")).toContainText(V2);
  await reply.hover();
  await reply.getByTestId("message-menu").click();
  await expect(b.page.getByTestId("delete-message")).toBeVisible();
  // A reply is not plain text: it can be deleted, not edited.
  await expect(b.page.getByTestId("edit-message")).toHaveCount(0);
  await shootBoth(b.page, "message-menu", async () => {
    await expect(b.page.getByTestId("delete-message")).toBeVisible();
  });
  await b.page.keyboard.press("Escape");
});

test("A deletes after confirming; B sees 'This message was deleted' in place and its reply quote degrades", async () => {
  test.setTimeout(120_000);
  const mine = a.app.message(V2).filter({ has: a.page.getByTestId("edited-mark") });
  await expect(a.app.message(REPLY)).toBeVisible({ timeout: 30_000 });
  await mine.hover();
  await mine.getByTestId("message-menu").click();
  await a.page.getByTestId("delete-message").click();
  const confirm = a.page.getByTestId("confirm-delete-message");
  await expect(confirm).toBeVisible();
  await shootBoth(a.page, "delete-confirm", async () => {
    await expect(confirm).toBeVisible();
  });
  await confirm.click();
  await expect(confirm).toHaveCount(0);
  await expect(a.page.getByTestId("deleted-message")).toHaveText(/This message was deleted/);

  const gone = b.page.locator('[data-testid="message"][data-deleted="true"]');
  await expect(gone).toHaveCount(1, { timeout: 30_000 });
  await expect(gone).toContainText("This message was deleted");
  await expect(b.page.getByText(V1)).toHaveCount(0);
  await expect(b.page.getByText(V2)).toHaveCount(0);
  await expect(b.app.message(REPLY).getByTestId("reply-quote")).toContainText("Deleted message");
  await expect(gone.getByTestId("message-menu")).toHaveCount(0);
  await shootBoth(b.page, "message-deleted");
});

test("markdown typed by A reaches B bold; arithmetic with stars stays plain text", async () => {
  const md = `this is **bold ${stamp}**`;
  const plain = `2*3*4 = 24 ${stamp}`;
  // Not app.send: the bubble shows "bold", not the asterisks it was typed with.
  await a.page.getByTestId("composer").fill(md);
  await a.page.getByTestId("composer").press("Enter");
  await a.page.getByTestId("composer").fill(plain);
  await a.page.getByTestId("composer").press("Enter");
  const bold = b.page
    .getByTestId("message")
    .locator("strong")
    .filter({ hasText: `bold ${stamp}` });
  await expect(bold).toBeVisible({ timeout: 30_000 });
  await expect(b.page.getByTestId("message").filter({ hasText: "**bold" })).toHaveCount(0);
  await expect(b.app.message(plain)).toBeVisible({ timeout: 30_000 });
  await shootBoth(b.page, "markdown-bold");
});
