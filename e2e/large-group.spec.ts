import { expect, test } from "@playwright/test";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { Client, signerFromLocalAccount } from "../lib/client";
import { BASE_URL } from "./support/browser";
import { newPerson, onboard, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";
import { GroupPages } from "./pages/group";

// A group far larger than a screen (issue 13: groups of up to 1,000). The members are Node
// clients with local wallets; the person in the browser is added by one of them. The info
// screen renders the member list a page at a time as it scrolls, and a filter finds one
// member by a piece of their address.
const MEMBERS = 70; // more than one page (60 rows)
const stamp = Date.now();
const NAME = `Town hall ${stamp % 10000}`;

let p: Person;
const clients: Client[] = [];

test.afterAll(async () => {
  for (const c of clients) await c.close();
  await p?.context.close();
});

/** Registers `n` inboxes, a few at a time (each is an identity update and a key package). */
async function registerMany(n: number): Promise<Client[]> {
  const made: Client[] = [];
  for (let i = 0; i < n; i += 6) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(6, n - i) }, (_, j) =>
        Client.create(signerFromLocalAccount(privateKeyToAccount(generatePrivateKey())), {
          apiUrl: BASE_URL,
          dbName: `large-${stamp}-${i + j}`,
          indexedDB,
          IDBKeyRange,
        }),
      ),
    );
    made.push(...batch);
  }
  return made;
}

test("a group of 71: the member list renders a page at a time and a filter finds one member", async ({
  browser,
}) => {
  test.setTimeout(300_000);
  p = await newPerson(browser);
  await onboard(p);
  clients.push(...(await registerMany(MEMBERS)));
  const [host, ...rest] = clients;
  await host!.conversations.newGroup([...rest.map((c) => c.inboxId), p.wallet.address], {
    name: NAME,
  });

  await p.app.acceptRequest(NAME);
  await p.app.items.filter({ hasText: NAME }).click();
  const group = new GroupPages(p.page);
  await expect(p.page.getByTestId("group-member-count")).toHaveText(`${MEMBERS + 1} members`, {
    timeout: 30_000,
  });
  await group.openInfo();
  // One page first, the rest as the end of the list comes into view.
  await expect(group.members).toHaveCount(60);
  await expect(p.page.getByTestId("members-more")).toHaveText(
    `Show more (${MEMBERS + 1 - 60} left)`,
  );
  await shootBoth(p.page, "group-members-large");
  await p.page.getByTestId("members-more").scrollIntoViewIfNeeded();
  await expect(group.members).toHaveCount(MEMBERS + 1);
  await expect(p.page.getByTestId("members-more")).toHaveCount(0);

  // A piece of one member's address (as a person would paste it) finds exactly that member.
  const wanted = rest[33]!.address.toLowerCase();
  const filter = p.page.getByTestId("member-filter");
  await filter.fill(wanted.slice(2, 12).toUpperCase());
  await expect(group.members).toHaveCount(1);
  await expect(group.member(wanted)).toBeVisible();
  await shootBoth(p.page, "group-members-filtered");
  await filter.fill("no such member");
  await expect(group.members).toHaveCount(0);
  await expect(p.page.getByTestId("member-filter-empty")).toBeVisible();
  await filter.fill("");
  await expect(group.members).toHaveCount(60);
  expect(p.escaped).toEqual([]);
});
