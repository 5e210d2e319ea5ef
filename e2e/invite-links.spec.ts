import { expect, test, type Browser } from "@playwright/test";
import { newPerson, onboard, shortAddress, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";
import { GroupPages } from "./pages/group";
import { OnboardingPages } from "./pages/onboarding";

// Invite links in four browsers: A (admin) makes a one-use link in group info; B opens it
// before having an account, activates, is brought back to the invite, asks to join and
// waits while A is offline; A comes back, A's app adds B and B's app opens the group. D
// then finds the link used up and is told so. A revokes another link.
test.describe.configure({ mode: "serial" });

type Member = Person & { group: GroupPages };
let a: Member, b: Member, c: Member, d: Member;
const NAME = "Book club";
let link = "";

async function member(browser: Browser): Promise<Member> {
  const p = await newPerson(browser);
  return { ...p, group: new GroupPages(p.page) };
}

test.beforeAll(async ({ browser }) => {
  [a, b, c, d] = [
    await member(browser),
    await member(browser),
    await member(browser),
    await member(browser),
  ];
});

test.afterEach(() => {
  for (const p of [a, b, c, d]) expect(p?.escaped ?? []).toEqual([]);
});

test.afterAll(async () => {
  for (const p of [a, b, c, d]) await p?.context.close();
});

test("A makes a one-use invite link from group info", async () => {
  test.setTimeout(120_000);
  for (const p of [c, a]) await onboard(p);
  await a.group.create(NAME, [c.wallet.address]);
  await a.group.openInfo();
  await expect(a.page.getByTestId("group-invites")).toBeEnabled();
  await shootBoth(a.page, "group-info-invite", async () => {
    await a.page.getByTestId("group-invites").scrollIntoViewIfNeeded();
  });
  await a.page.getByTestId("group-invites").click();
  await a.page.getByTestId("invite-max-uses").selectOption({ label: "1 person" });
  await a.page.getByTestId("invite-include-name").check();
  await a.page.getByTestId("create-invite").click();
  await expect(a.page.getByTestId("invite-row")).toHaveCount(1, { timeout: 20_000 });
  await expect(a.page.getByTestId("invite-uses")).toContainText("0 of 1 joined");
  link = (await a.page.getByTestId("invite-url").textContent()) ?? "";
  expect(link).toMatch(/\/invite#[A-Za-z0-9_-]+$/);
  await shootBoth(a.page, "invite-links");
});

test("B opens the link before having an account, asks to join, waits, and is added", async () => {
  test.setTimeout(180_000);
  const url = new URL(link);
  // The node never sees the token: it travels after '#'.
  const seen: string[] = [];
  b.page.on("request", (r) => seen.push(r.url()));
  await b.page.goto(`${url.pathname}${url.hash}`);
  // No account yet: the app sends B to connect a wallet, keeping the invite.
  await expect(b.page.getByTestId("connect-wallet")).toBeEnabled({ timeout: 30_000 });
  const onboarding = new OnboardingPages(b.page);
  await onboarding.openWalletList();
  await onboarding.chooseWallet("MetaMask");
  await onboarding.activate();
  await b.page.getByTestId("skip-onboarding-step").click({ timeout: 30_000 });
  await expect(b.page).toHaveURL(/\/invite#/, { timeout: 30_000 });
  await expect(b.page.getByRole("heading", { level: 1 })).toHaveText(
    `Join ${shortAddress(a.wallet.address)}'s group?`,
    { timeout: 30_000 },
  );
  await expect(b.page.getByTestId("invite-group-name")).toHaveText(`“${NAME}”`);
  await shootBoth(b.page, "invite-join");

  // A is offline: the request waits.
  await a.context.setOffline(true);
  await b.page.getByTestId("join-invite").click();
  await expect(b.page.getByTestId("invite-waiting")).toBeVisible({ timeout: 30_000 });
  await shootBoth(b.page, "invite-waiting");
  await a.context.setOffline(false);

  // A's app adds B; B's app opens the group.
  await expect(b.page).toHaveURL(/\/conversations\?c=/, { timeout: 90_000 });
  await expect(b.page.getByTestId("conversation-title")).toHaveText(NAME, { timeout: 30_000 });
  await expect(a.page.getByTestId("invite-uses")).toHaveCount(0, { timeout: 30_000 }); // used up
  expect(seen.filter((u) => u.includes(url.hash.slice(1)))).toEqual([]);

  // A's side: B's request came as a DM; the thread shows it as a line.
  await a.page.keyboard.press("Escape");
  await a.app.openRequest("I'd like to join your group");
  await expect(a.page.getByTestId("invite-line")).toHaveText(
    `${shortAddress(b.wallet.address)} asked to join your group with an invite link`,
  );
  await shootBoth(a.page, "invite-request-line");
});

test("D finds the link used up and is told so", async () => {
  test.setTimeout(120_000);
  await onboard(d);
  await d.page.goto(new URL(link).pathname + new URL(link).hash);
  await d.page.getByTestId("join-invite").click({ timeout: 30_000 });
  await expect(d.page.getByTestId("invite-refused")).toHaveText(
    "This invite has been used as many times as it allows.",
    { timeout: 60_000 },
  );
  await shootBoth(d.page, "invite-refused");
});

test("A revokes a link; a tampered link is refused on sight", async () => {
  await a.page.getByTestId("tab-inbox").click();
  await a.app.items.filter({ hasText: NAME }).click();
  await a.group.openInfo();
  await a.page.getByTestId("group-invites").click();
  await a.page.getByTestId("create-invite").click();
  await expect(a.page.getByTestId("invite-row")).toHaveCount(1, { timeout: 20_000 });
  await a.page.getByTestId("revoke-invite").click();
  await expect(a.page.getByTestId("invite-row")).toHaveCount(0, { timeout: 20_000 });
  // One character of the token changed (mid-token, so it changes a signed byte).
  const at = link.indexOf("#") + 30;
  const tampered = link.slice(0, at) + (link[at] === "A" ? "B" : "A") + link.slice(at + 1);
  await d.page.goto(new URL(tampered).pathname + new URL(tampered).hash);
  await expect(d.page.getByTestId("invite-problem")).toContainText(
    "This invite link is not valid",
    {
      timeout: 30_000,
    },
  );
});
