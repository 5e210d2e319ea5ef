import { expect, test } from "@playwright/test";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { Client, signerFromLocalAccount } from "../lib/client";
import { startLyingNode, type LyingNode } from "../test/support/lying-node";
import { BASE_URL, OTHER_NODE_PORT } from "./support/browser";
import { newPerson, onboard, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// A's browser reaches the real node through a proxy that lies in GetInboxIds answers only:
// it says Bob's address belongs to Mallory's inbox. A must be told, and must not be able
// to start a DM or a group with "Bob" that is really Mallory.
let a: Person;
let proxy: LyingNode;
let bob: Client, mallory: Client;
const stamp = Date.now();

async function nodeClient(name: string): Promise<Client> {
  const signer = signerFromLocalAccount(privateKeyToAccount(generatePrivateKey()));
  return Client.create(signer, {
    apiUrl: BASE_URL,
    dbName: `${name}-${stamp}`,
    indexedDB,
    IDBKeyRange,
  });
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  proxy = await startLyingNode(BASE_URL, OTHER_NODE_PORT);
  bob = await nodeClient("bob");
  mallory = await nodeClient("mallory");
  a = await newPerson(browser);
  await a.context.addInitScript((url) => localStorage.setItem("messenger:nodeUrl", url), proxy.url);
  await onboard(a);
  proxy.lies.set(bob.address, mallory.inboxId);
});

test.afterAll(async () => {
  expect(a?.escaped ?? []).toEqual([]);
  await a?.context.close();
  for (const c of [bob, mallory]) await c?.close();
  await proxy?.close();
});

test("lyingNodeIsNamedWhenStartingADm: the new-message dialog refuses the forged owner", async () => {
  await a.app.openNewMessage();
  await a.page.getByTestId("address-input").fill(bob.address);
  const status = a.page.getByTestId("can-message-status");
  await expect(status).toHaveAttribute("data-state", "inconsistent", { timeout: 20_000 });
  await expect(status).toContainText(/node gave a false answer/i);
  await expect(a.page.getByTestId("start-conversation")).toBeDisabled();
  expect(proxy.rewritten()).toBeGreaterThan(0);
  await shootBoth(a.page, "node-inconsistent-new-message");
  await a.page.keyboard.press("Escape");
});

test("lyingNodeIsNamedWhenCreatingAGroup: the member picker refuses the forged owner", async () => {
  await a.page.goto("/conversations");
  await a.app.waitReady();
  await a.page.getByTestId("new-group").click();
  const input = a.page.getByTestId("group-member-input");
  await input.fill(bob.address);
  await input.press("Enter");
  await expect(a.page.getByTestId("member-picker-note")).toContainText(
    /node gave a false answer/i,
    { timeout: 20_000 },
  );
  await expect(a.page.getByTestId("group-member-chip")).toHaveCount(0);
  await a.page.keyboard.press("Escape");
  // Nothing reached Mallory.
  await mallory.conversations.sync();
  expect(await mallory.conversations.list()).toEqual([]);
});
