import { expect, test } from "@playwright/test";
import { acceptedDm, twoPeople, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// Issue 17 item 2 in two browsers: A turns on disappearing messages in a DM; both headers
// show the timer and both threads say who set it; A's message reaches B, and when its time
// is up (B's page clock is moved on) it is gone from B's thread and from B's list.
test.describe.configure({ mode: "serial" });

let a: Person, b: Person;
const stamp = Date.now();
const HELLO = `hello ${stamp}`;
const SECRET = `this will vanish ${stamp}`;

twoPeople((pa, pb) => ([a, b] = [pa, pb]));

test("A sets the timer: both headers show it, both threads say who set it", async () => {
  test.setTimeout(180_000);
  await acceptedDm(a, b, HELLO);
  await b.app.items.first().click();

  await a.page.getByTestId("disappearing-timer").click();
  await expect(a.page.getByRole("radio", { name: "Off" })).toHaveAttribute("aria-checked", "true");
  await shootBoth(a.page, "disappearing-dialog");
  await a.page.getByTestId("timer-choice-5-minutes").click();
  await expect(a.page.getByRole("radio", { name: "5 minutes" })).toHaveAttribute(
    "aria-checked",
    "true",
    { timeout: 20_000 },
  );
  await a.page.keyboard.press("Escape");
  await expect(a.page.getByTestId("disappearing-timer-label")).toHaveText("5m");
  await expect(a.page.getByTestId("group-update")).toContainText(
    "You set messages to disappear after 5 minutes",
  );
  await expect(b.page.getByTestId("disappearing-timer-label")).toHaveText("5m", {
    timeout: 30_000,
  });
  await expect(b.page.getByTestId("group-update")).toContainText(
    "set messages to disappear after 5 minutes",
  );
});

test("A's message disappears from B's thread and list when its time is up", async () => {
  test.setTimeout(120_000);
  // B's page keeps real time until the message is there, then its clock jumps 6 minutes.
  await b.page.clock.install();
  await b.page.reload();
  await b.app.waitReady();
  await b.app.items.first().click();
  await expect(b.page.getByTestId("disappearing-timer-label")).toHaveText("5m");

  await expect(await a.app.send(SECRET)).toHaveAttribute("data-status", "published", {
    timeout: 20_000,
  });
  await expect(b.app.message(SECRET)).toHaveCount(1, { timeout: 30_000 });
  await expect(b.app.items.first()).toContainText(SECRET);
  await b.page.mouse.move(800, 300); // the list row's hover menu would cover its time
  await shootBoth(b.page, "disappearing-thread");

  await b.page.clock.fastForward("06:00");
  await expect(b.app.message(SECRET)).toHaveCount(0, { timeout: 15_000 });
  await expect(b.app.items.first()).not.toContainText(SECRET);
  // Sent before the timer: it stays, as does the line about the timer.
  await expect(b.app.message(HELLO)).toHaveCount(1);
  await expect(b.page.getByTestId("group-update")).toHaveCount(1);
  await shootBoth(b.page, "disappearing-after");
});
