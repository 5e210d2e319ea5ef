import { expect, test } from "@playwright/test";
import type { Address, Hex } from "viem";
import { startDevChain, type DevChain, type DevEns } from "../test/chain/dev-chain";
import { newPerson, onboard, shortAddress, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// ENS names in the browser, against a local chain (ganache on E2E_PORT + 2, allowed by the
// CSP in playwright.config) with a minimal ENS deployed: A types B's name in "New message",
// sees where it resolves, and the DM shows the name beside B's address. The chain settings
// are this browser's own (localStorage), set before the app loads.
test.describe.configure({ mode: "serial" });

const PORT = Number(process.env.E2E_PORT ?? 3107) + 2;
// A fixed deployer: the Universal Resolver's address is the same every run.
const DEPLOYER = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as Hex;

let chain: DevChain;
let ens: DevEns;
let a: Person;
let b: Person;

test.beforeAll(async ({ browser }) => {
  chain = await startDevChain(31337, { port: PORT, deployerKey: DEPLOYER });
  ens = await chain.deployEns();
  const settings = {
    "messenger:chainRpcUrls": `${chain.chainId}=${chain.url}`,
    "messenger:ensChainId": String(chain.chainId),
    "messenger:ensUniversalResolver": ens.universalResolver,
  };
  [a, b] = [await newPerson(browser), await newPerson(browser)];
  for (const p of [a, b])
    await p.context.addInitScript((s: Record<string, string>) => {
      for (const [k, v] of Object.entries(s)) localStorage.setItem(k, v);
    }, settings);
  await ens.setAddress("bob.eth", b.wallet.address as Address);
  await ens.setReverse(b.wallet.address as Address, "bob.eth");
});
test.afterEach(() => {
  // The chain is on 127.0.0.1 too: nothing leaves the machine.
  expect([...a.escaped, ...b.escaped]).toEqual([]);
});
test.afterAll(async () => {
  for (const p of [a, b]) await p?.context.close();
  await chain?.stop();
});

test("a name typed in New message resolves, and the DM shows it beside the address", async () => {
  await onboard(b);
  await onboard(a);
  await a.app.openNewMessage();
  const input = a.page.getByTestId("address-input");
  await expect(input).toHaveAttribute("placeholder", "0x… or name.eth");
  await input.fill("nobody.eth");
  const status = a.page.getByTestId("can-message-status");
  await expect(status).toContainText("nobody.eth does not point to an address", {
    timeout: 20_000,
  });
  await input.fill("Bob.eth");
  await expect(status).toContainText(
    `Bob.eth (${shortAddress(b.wallet.address)}) can be messaged`,
    { timeout: 20_000 },
  );
  await shootBoth(a.page, "new-message-ens-name");
  await a.page.getByTestId("start-conversation").click();
  await expect(a.page.getByTestId("composer")).toBeVisible({ timeout: 20_000 });
  await expect(a.page.getByTestId("conversation-title")).toHaveText("bob.eth");
  await expect(a.page.getByTestId("conversation-title")).toHaveAttribute(
    "title",
    b.wallet.address.toLowerCase(),
  );
  const sent = await a.app.send("found you by name");
  await expect(sent).toHaveAttribute("data-status", "published", { timeout: 15_000 });
  const row = a.app.items.first();
  await expect(row.getByTestId("conversation-name")).toHaveText("bob.eth");
  await expect(row).toContainText(shortAddress(b.wallet.address));
  await shootBoth(a.page, "thread-ens-name");
});
