// What the stories of our client beside XMTP's SDK share (issue #15 part 2): the SDK users
// (@xmtp/browser-sdk, libxmtp WASM, unmodified) run in Chromium from the page of
// e2e/xmtp-sdk-page; our user is our library client, headless in the test process (its
// IndexedDB is fake-indexeddb; its MLS, crypto and node calls are the real ones). All on one
// node process.
import { test } from "@playwright/test";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { Client, type DecodedMessage, type Group } from "../lib/client";
import { newWallet } from "../test/support/accounts";
import type { Logged } from "../test/support/groups";
import {
  closeStory,
  newUser,
  NODE_URL,
  openStory,
  type Story,
  type User,
} from "./xmtp-sdk-harness";

/** An SDK user with the wallet address our client invites by. */
export type SdkUser = User & { address: string };

async function newSdkUser(story: Story, name: string): Promise<SdkUser> {
  const key = generatePrivateKey();
  const user = await newUser(story.browser, name, key);
  return { ...user, address: privateKeyToAccount(key).address.toLowerCase() };
}

/** One story's users: set by its beforeAll, so read them inside the tests. */
export class InteropStory {
  story!: Story;
  ours!: Client;
  /** Everything our client's receive path logged (refusals first of all). */
  readonly ourLog: Logged[] = [];
  readonly sdk: Record<string, SdkUser> = {};

  /** Our user's messages in a conversation, after a sync with the node (undefined: not joined). */
  async ourMessages(conversationId: string): Promise<DecodedMessage[] | undefined> {
    await this.ours.conversations.sync();
    const conv = await this.ours.conversations.getById(conversationId);
    return conv ? conv.messages() : undefined;
  }

  /** Our user's text messages in a conversation, after a sync with the node. */
  async ourTexts(conversationId: string) {
    return (await this.ourMessages(conversationId))?.flatMap((m) =>
      typeof m.content === "string" ? [{ sender: m.senderInboxId, text: m.content }] : [],
    );
  }

  /** Just the texts, for polling. */
  async oursSaid(conversationId: string) {
    return (await this.ourTexts(conversationId))?.map((m) => m.text);
  }

  async ourGroup(conversationId: string) {
    return (await this.ours.conversations.getById(conversationId)) as Group;
  }
}

/**
 * Registers the file's hooks: before its tests, a story (node, page, Chromium), these SDK
 * users and our client; after them, everything closed and no SDK request off the machine.
 * The tests share one world, so they run in order.
 */
export function interopStory(name: string, sdkNames: string[]): InteropStory {
  const s = new InteropStory();
  test.describe.configure({ mode: "serial" });

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    s.story = await openStory(name);
    for (const n of sdkNames) s.sdk[n] = await newSdkUser(s.story, n);
    s.ours = await Client.create(newWallet().signer, {
      apiUrl: NODE_URL,
      dbName: `${name}-ours-${Date.now()}`,
      indexedDB,
      IDBKeyRange,
      // What our receive path refused, printed: the first thing to read when a step fails.
      log: (event, detail) => {
        s.ourLog.push({ event, detail });
        console.log(`[ours] ${event} ${JSON.stringify(detail)}`);
      },
    });
  });

  test.afterAll(async () => {
    await s.ours?.close();
    await closeStory(s.story, Object.values(s.sdk));
  });
  return s;
}
