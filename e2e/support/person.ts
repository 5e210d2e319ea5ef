import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { MessengerPage } from "../pages/messenger";
import { OnboardingPages } from "../pages/onboarding";
import { DESKTOP } from "./browser";
import { installInjectedWallet, type InjectedWallet } from "./injected-wallet";
import { guardNetwork, watchNetwork } from "./network-guard";

/** One person: a fresh browser profile with their own injected wallet. */
export interface Person {
  context: BrowserContext;
  page: Page;
  /** Requests that tried to leave 127.0.0.1 (must stay empty). */
  escaped: string[];
  wallet: InjectedWallet;
  app: MessengerPage;
}

export async function newPerson(
  browser: Browser,
  options: {
    permissions?: string[];
    acceptDownloads?: boolean;
    privateKey?: `0x${string}`;
    /** Benchmarks: record requests leaving the machine without holding each one (network-guard.ts). */
    watchOnly?: boolean;
  } = {},
): Promise<Person> {
  const { privateKey, watchOnly, ...contextOptions } = options;
  const context = await browser.newContext({ viewport: DESKTOP, ...contextOptions });
  const escaped = watchOnly ? watchNetwork(context) : await guardNetwork(context);
  // The same private key in two profiles: one wallet, two browsers.
  const wallet = await installInjectedWallet(context, privateKey ? { privateKey } : {});
  const page = await context.newPage();
  return { context, page, escaped, wallet, app: new MessengerPage(page) };
}

/** Onboards with the injected wallet and waits for the conversation list. */
export async function onboard(p: Person): Promise<void> {
  await new OnboardingPages(p.page).onboard("MetaMask");
  await p.app.waitReady();
}

/**
 * The start of most two-person stories: B, then A, onboard; A opens a DM with B and says
 * `hello` (published); B accepts the request (A is new to B) and is in its thread.
 */
export async function acceptedDm(a: Person, b: Person, hello: string): Promise<void> {
  await onboard(b);
  await onboard(a);
  await a.app.startDm(b.wallet.address);
  await expect(await a.app.send(hello)).toHaveAttribute("data-status", "published", {
    timeout: 20_000,
  });
  await b.app.acceptRequest(hello);
}

/** 0x1234…abcd as the app shows addresses. */
export const shortAddress = (address: string) =>
  `${address.toLowerCase().slice(0, 6)}…${address.toLowerCase().slice(-4)}`;

/**
 * A spec's two people, A and B: fresh profiles before its tests (handed to `ready`), no
 * request off the machine after each test, contexts closed after all.
 */
export function twoPeople(
  ready: (a: Person, b: Person) => void,
  options: { b?: { acceptDownloads?: boolean } } = {},
): void {
  const people: Person[] = [];
  test.beforeAll(async ({ browser }) => {
    people.push(await newPerson(browser), await newPerson(browser, options.b ?? {}));
    ready(people[0]!, people[1]!);
  });
  test.afterEach(() => {
    for (const p of people) expect(p.escaped).toEqual([]);
  });
  test.afterAll(async () => {
    for (const p of people) await p.context.close();
  });
}
