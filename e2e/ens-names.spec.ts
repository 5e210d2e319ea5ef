import { expect, test, type Locator } from "@playwright/test";
import type { Address, Hex } from "viem";
import {
  startDevChain,
  type DevBasenames,
  type DevChain,
  type DevEns,
} from "../test/chain/dev-chain";
import { GroupPages } from "./pages/group";
import { newPerson, onboard, shortAddress, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// ENS names and avatars in the browser, against a local chain (ganache on E2E_PORT + 2, allowed
// by the CSP in playwright.config) with a minimal ENS and Basenames' layout deployed on it (the
// browser's Basenames chain is that same chain here): A types B's name in "New message", sees
// where it resolves with B's avatar, the DM shows name and avatar beside B's address, and a
// group's member list shows B's ENS name and A's own Basename, each with its avatar. The chain
// settings are this browser's own (localStorage), set before the app loads. Avatars are data:
// images (ENSIP-12 allows them): an https one would leave the machine.
test.describe.configure({ mode: "serial" });

const PORT = Number(process.env.E2E_PORT ?? 3107) + 2;
// A fixed deployer: the Universal Resolver's address is the same every run.
const DEPLOYER = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as Hex;

/** An avatar as an ENS app writes one on chain: a small SVG. */
const svgAvatar = (bg: string, fg: string) =>
  `data:image/svg+xml;utf8,${encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="${bg}"/><circle cx="32" cy="26" r="12" fill="${fg}"/><rect x="14" y="42" width="36" height="22" rx="11" fill="${fg}"/></svg>`,
  )}`;
const BOB_AVATAR = svgAvatar("#f59e0b", "#7c2d12");
const ALICE_AVATAR = svgAvatar("#0ea5e9", "#0c4a6e");

/** The avatar image is in the page and the browser drew it (decoded, not broken). */
async function drawn(img: Locator, src: string) {
  await expect(img).toBeVisible({ timeout: 20_000 });
  await expect(img).toHaveAttribute("src", src);
  await expect
    .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0))
    .toBe(true);
}

let chain: DevChain;
let ens: DevEns;
let bn: DevBasenames;
let a: Person;
let b: Person;

test.beforeAll(async ({ browser }) => {
  chain = await startDevChain(31337, { port: PORT, deployerKey: DEPLOYER });
  ens = await chain.deployEns();
  bn = await chain.deployBasenames();
  const settings = {
    "messenger:chainRpcUrls": `${chain.chainId}=${chain.url}`,
    "messenger:ensChainId": String(chain.chainId),
    "messenger:ensUniversalResolver": ens.universalResolver,
    "messenger:basenamesChainId": String(chain.chainId),
    "messenger:basenamesRegistry": bn.registry,
    "messenger:basenamesReverseRegistrar": bn.l2ReverseRegistrar,
  };
  [a, b] = [await newPerson(browser), await newPerson(browser)];
  for (const p of [a, b])
    await p.context.addInitScript((s: Record<string, string>) => {
      for (const [k, v] of Object.entries(s)) localStorage.setItem(k, v);
    }, settings);
  await ens.setAddress("bob.eth", b.wallet.address as Address);
  await ens.setReverse(b.wallet.address as Address, "bob.eth");
  await ens.setText("bob.eth", "avatar", BOB_AVATAR);
  await bn.setAddress("alice.base.eth", a.wallet.address as Address);
  await bn.setPrimaryName(a.wallet.address as Address, "alice.base.eth");
  await bn.setText("alice.base.eth", "avatar", ALICE_AVATAR);
});
test.afterEach(() => {
  // The chain is on 127.0.0.1 too: nothing leaves the machine.
  expect([...a.escaped, ...b.escaped]).toEqual([]);
});
test.afterAll(async () => {
  for (const p of [a, b]) await p?.context.close();
  await chain?.stop();
});

test("a name typed in New message resolves with its avatar, and the DM shows both beside the address", async () => {
  test.setTimeout(150_000); // two onboardings and a DM on a shared 2-core machine
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
  await drawn(status.getByTestId("avatar-image"), BOB_AVATAR);
  await shootBoth(a.page, "new-message-ens-name");
  await a.page.getByTestId("start-conversation").click();
  await expect(a.page.getByTestId("composer")).toBeVisible({ timeout: 20_000 });
  await expect(a.page.getByTestId("conversation-title")).toHaveText("bob.eth");
  await expect(a.page.getByTestId("conversation-title")).toHaveAttribute(
    "title",
    b.wallet.address.toLowerCase(),
  );
  await drawn(a.page.locator("header").getByTestId("avatar-image"), BOB_AVATAR);
  const sent = await a.app.send("found you by name");
  await expect(sent).toHaveAttribute("data-status", "published", { timeout: 15_000 });
  const row = a.app.items.first();
  await expect(row.getByTestId("conversation-name")).toHaveText("bob.eth");
  await expect(row).toContainText(shortAddress(b.wallet.address));
  await drawn(row.getByTestId("avatar-image"), BOB_AVATAR);
  await shootBoth(a.page, "thread-ens-name");
});

test("a group's members show their ENS name or Basename, each with its avatar", async () => {
  const group = new GroupPages(a.page);
  await group.create("Names", ["bob.eth"]);
  await group.openInfo();
  const bob = group.member(b.wallet.address);
  await expect(bob.getByTestId("member-name")).toHaveText("bob.eth", { timeout: 20_000 });
  await drawn(bob.getByTestId("avatar-image"), BOB_AVATAR);
  const me = group.member(a.wallet.address);
  await expect(me.getByTestId("member-name")).toHaveText("alice.base.eth", { timeout: 20_000 });
  await expect(me).toContainText("(you)");
  await drawn(me.getByTestId("avatar-image"), ALICE_AVATAR);
  await shootBoth(a.page, "group-members-names");
});
