import { expect, test } from "@playwright/test";
import { newPerson, onboard, shortAddress, type Person } from "./support/person";
import { shoot, shootBoth } from "./support/screenshots";
import { GroupPages } from "./pages/group";

// Three people in three browsers: A creates a group with B and C, all chat live, A renames
// it and removes C; B sees both changes, C sees its removal and receives nothing after it.
test.describe.configure({ mode: "serial" });

type Member = Person & { group: GroupPages };
let a: Member, b: Member, c: Member;
const NAME = "Weekend plans";
const RENAMED = "Weekend trip";
const stamp = Date.now();

async function member(browser: import("@playwright/test").Browser): Promise<Member> {
  const p = await newPerson(browser);
  return { ...p, group: new GroupPages(p.page) };
}

test.beforeAll(async ({ browser }) => {
  [a, b, c] = [await member(browser), await member(browser), await member(browser)];
});

test.afterEach(() => {
  for (const p of [a, b, c]) expect(p?.escaped ?? []).toEqual([]);
});

test.afterAll(async () => {
  for (const p of [a, b, c]) await p?.context.close();
});

const short = shortAddress;

test("A creates a group with B and C; all three chat live and see who said what", async () => {
  test.setTimeout(180_000);
  for (const p of [b, c, a]) await onboard(p);
  await a.page.getByTestId("new-group").click();
  await shootBoth(a.page, "group-new-dialog");
  await a.page.keyboard.press("Escape");

  await a.group.create(NAME, [b.wallet.address, c.wallet.address]);
  await expect(a.page.getByTestId("group-member-count")).toHaveText("3 members");

  for (const p of [b, c]) {
    // Being added by someone is a request until accepted.
    await p.app.acceptRequest(NAME);
    await p.app.items.filter({ hasText: NAME }).click();
    await expect(p.page.getByTestId("conversation-title")).toHaveText(NAME);
  }

  const lines = [
    [a, `A: hello group ${stamp}`],
    [b, `B: hi both ${stamp}`],
    [c, `C: hey ${stamp}`],
  ] as const;
  for (const [sender, text] of lines) {
    const sent = await sender.app.send(text);
    await expect(sent).toHaveAttribute("data-status", "published", { timeout: 20_000 });
    for (const p of [a, b, c]) await expect(p.app.message(text)).toBeVisible({ timeout: 30_000 });
  }
  // Others' runs carry the sender's address; mine do not.
  await expect(
    b.page.getByTestId("message-sender").filter({ hasText: short(a.wallet.address) }),
  ).toHaveCount(1);
  await expect(
    b.page.getByTestId("message-sender").filter({ hasText: short(b.wallet.address) }),
  ).toHaveCount(0);
  await shootBoth(b.page, "group-thread");
});

test("members panel: roles, and actions the policy does not allow are disabled with the reason", async () => {
  await a.group.openInfo();
  await expect(a.group.members).toHaveCount(3);
  await expect(a.group.member(a.wallet.address)).toHaveAttribute("data-role", "super_admin");
  await expect(a.group.member(b.wallet.address)).toHaveAttribute("data-role", "member");
  await expect(a.group.member(c.wallet.address)).toHaveAttribute("data-role", "member");
  await shootBoth(a.page, "group-info");
  await a.group.closeInfo();

  // B is a plain member: under the default policy it may not remove anyone.
  await b.group.openInfo();
  const cRow = b.group.member(c.wallet.address);
  await cRow.getByTestId("member-menu").click();
  await expect(cRow.getByTestId("member-remove")).toBeDisabled();
  await expect(cRow).toContainText("Only admins can remove members.");
  await expect(cRow.getByTestId("member-make-admin")).toBeDisabled();
  await expect(b.page.getByTestId("leave-group")).toBeEnabled();
  await shoot(b.page, "group-info-member");
  await b.group.closeInfo();
});

test("A renames the group and removes C: B sees both, C sees its removal and stops receiving", async () => {
  test.setTimeout(120_000);
  await a.group.openInfo();
  await a.group.rename(RENAMED);
  await a.group.remove(c.wallet.address);
  await expect(a.group.members).toHaveCount(2);
  await a.group.closeInfo();
  await expect(a.page.getByTestId("conversation-title")).toHaveText(RENAMED);
  await expect(a.page.getByTestId("group-member-count")).toHaveText("2 members");

  // B: the new name in the header and the list, and one line per change.
  await expect(b.page.getByTestId("conversation-title")).toHaveText(RENAMED, { timeout: 30_000 });
  await expect(b.group.updates.filter({ hasText: `renamed the group “${RENAMED}”` })).toHaveCount(
    1,
    {
      timeout: 30_000,
    },
  );
  await expect(
    b.group.updates.filter({ hasText: `removed ${short(c.wallet.address)}` }),
  ).toHaveCount(1, { timeout: 30_000 });
  await expect(b.page.getByTestId("group-member-count")).toHaveText("2 members");
  await expect(b.app.items.filter({ hasText: RENAMED })).toHaveCount(1);

  // C: told it was removed; the composer is gone.
  await expect(c.group.updates.filter({ hasText: "removed you" })).toHaveCount(1, {
    timeout: 30_000,
  });
  await expect(c.page.getByTestId("group-inactive")).toBeVisible();
  await expect(c.page.getByTestId("composer")).toHaveCount(0);
  await expect(c.page.getByTestId("group-member-count")).toHaveText("You're not a member");
  await shootBoth(c.page, "group-removed");

  const after = `A: C has left us ${stamp}`;
  const sent = await a.app.send(after);
  await expect(sent).toHaveAttribute("data-status", "published", { timeout: 20_000 });
  await expect(b.app.message(after)).toBeVisible({ timeout: 30_000 });
  await shootBoth(b.page, "group-after-removal");
  // B already has it, so C's stream has had the same chance: it must not show up there.
  await c.page.waitForTimeout(2_000);
  await expect(c.app.message(after)).toHaveCount(0);
});
