import { expect, test } from "@playwright/test";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { Client, signerFromLocalAccount } from "../lib/client";
import type { ClientContext } from "../lib/client/context";
import { nextContext } from "../lib/client/groups/plans";
import { requireGroup } from "../lib/client/groups/state";
import { commitChanges } from "../lib/mls";
import { BASE_URL } from "./support/browser";
import { newPerson, onboard, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// A member's commit that this browser cannot apply (it adds an installation the inbox has
// revoked) is not skipped: the thread says the conversation is out of sync, and what the
// person types waits, kept, instead of being sealed under a state the group has left.
const ctxOf = (c: Client) => (c as unknown as { ctx: ClientContext }).ctx;
const stamp = Date.now();
const HELLO = `welcome to the book club ${stamp}`;
const TYPED = `see you thursday ${stamp}`;

let p: Person;
const clients: Client[] = [];

test.afterAll(async () => {
  for (const c of clients) await c.close();
  await p?.context.close();
});

test("an unappliable commit shows 'out of sync' in the thread and typed messages wait", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  p = await newPerson(browser);
  await onboard(p);
  const signer = signerFromLocalAccount(privateKeyToAccount(generatePrivateKey()));
  const open = (dbName: string) =>
    Client.create(signer, { apiUrl: BASE_URL, dbName, indexedDB, IDBKeyRange });
  const a1 = await open(`oos-a1-${stamp}`);
  clients.push(a1);
  const group = await a1.conversations.newGroup([p.wallet.address], { name: "Book club" });
  await group.send(HELLO);
  await p.app.acceptRequest(HELLO);
  await p.app.items.filter({ hasText: "Book club" }).click();
  await expect(p.app.message(HELLO)).toBeVisible({ timeout: 30_000 });

  // Alice's modified client adds her own revoked installation back, naming her newest log
  // entry (which no longer holds it).
  const a2 = await open(`oos-a2-${stamp}`);
  clients.push(a2);
  const ctx = ctxOf(a1);
  const [kp] = await ctx.api.fetchKeyPackages([ctxOf(a2).installation.publicKey]);
  await a1.revokeInstallations(signer, [a2.installationId]);
  const state = await requireGroup(ctx, group.id);
  const context = nextContext(state);
  context.membership.set(a1.inboxId, (await ctx.resolver.latest(a1.inboxId))!.sequenceId);
  const out = await commitChanges(state, { add: [kp!], context }, () => Promise.resolve(true));
  await ctx.api.sendGroupMessages([{ data: out.commit, shouldPush: false }]);

  const banner = p.page.getByTestId("out-of-sync");
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(banner).toContainText("out of sync on this device");
  await expect(banner).toContainText("Anything you write is kept");
  const typed = await p.app.send(TYPED);
  await expect(typed).toHaveAttribute("data-status", "pending");
  await p.page.waitForTimeout(1_500);
  await expect(typed).toHaveAttribute("data-status", "pending"); // not sent under a left state
  await shootBoth(p.page, "out-of-sync");
  expect(p.escaped).toEqual([]);
});
