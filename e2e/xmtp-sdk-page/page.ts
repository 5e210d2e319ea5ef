// A third-party web app as XMTP's docs describe one: @xmtp/browser-sdk, unmodified, with
// a local EOA signer and apiUrl = our node. Bundled by Vite from this source for
// e2e/xmtp-sdk.spec.ts, which drives it through window.sdk (one user per browser context).
import { Client, Group, IdentifierKind, type ClientOptions, type Signer } from "@xmtp/browser-sdk";
import { hexToBytes, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export interface Streamed {
  conversationId: string;
  sender: string;
  text: string;
}

let client: Client<unknown> | undefined;
const streamed: Streamed[] = [];
const streamErrors: string[] = [];
const streamEvents: string[] = [];

function me(): Client<unknown> {
  if (!client) throw new Error("call sdk.create first");
  return client;
}

async function conversation(id: string) {
  const conv = await me().conversations.getConversationById(id);
  if (!conv) throw new Error(`no conversation ${id}`);
  return conv;
}

const sdk = {
  async create(privateKey: Hex, apiUrl: string) {
    const account = privateKeyToAccount(privateKey);
    const signer: Signer = {
      type: "EOA",
      getIdentifier: () => ({
        identifier: account.address.toLowerCase(),
        identifierKind: IdentifierKind.Ethereum,
      }),
      signMessage: async (message: string) => hexToBytes(await account.signMessage({ message })),
    };
    // env only names the local database; apiUrl decides where every call goes. (Typed
    // apart: Client.create's Omit<ClientOptions> drops the network keys from the union.)
    const options: ClientOptions = {
      env: "local",
      apiUrl,
      appVersion: "messenger-e2e/1",
      disableDeviceSync: true,
    };
    const created = await Client.create(signer, options);
    client = created;
    return { inboxId: created.inboxId!, installationId: created.installationId! };
  },

  /** Every message of every conversation, including ones this user is welcomed to later. */
  async startStream() {
    await me().conversations.streamAllMessages({
      onValue: (m) => {
        if (typeof m.content === "string") {
          streamed.push({
            conversationId: m.conversationId,
            sender: m.senderInboxId,
            text: m.content,
          });
        }
      },
      onError: (e) => streamErrors.push(String(e)),
      onRetry: (n, max) => streamEvents.push(`${Date.now()} retry ${n}/${max}`),
      onRestart: () => streamEvents.push(`${Date.now()} restart`),
      onFail: () => streamEvents.push(`${Date.now()} fail`),
    });
  },

  streamed: () => ({ messages: streamed, errors: streamErrors, events: streamEvents }),

  async createDm(peerInboxId: string) {
    return (await me().conversations.createDm(peerInboxId)).id;
  },

  async createGroup(inboxIds: string[], name: string) {
    return (await me().conversations.createGroup(inboxIds, { groupName: name })).id;
  },

  async send(conversationId: string, text: string) {
    await (await conversation(conversationId)).sendText(text);
  },

  /** Pulls welcomes and messages from the node (no stream), then lists conversations. */
  async syncAll() {
    await me().conversations.syncAll();
    const all = await me().conversations.list();
    return all.map((c) => c.id);
  },

  async dmWith(peerInboxId: string) {
    return (await me().conversations.getDmByInboxId(peerInboxId))?.id;
  },

  /** The conversation's text messages, oldest first, after a sync with the node. */
  async texts(conversationId: string) {
    const conv = await conversation(conversationId);
    await conv.sync();
    const msgs = await conv.messages();
    return msgs.flatMap((m) =>
      typeof m.content === "string" ? [{ sender: m.senderInboxId, text: m.content }] : [],
    );
  },

  /** A group's name after a sync with the node. */
  async groupName(conversationId: string) {
    const conv = await conversation(conversationId);
    if (!(conv instanceof Group)) throw new Error(`${conversationId} is not a group`);
    await conv.sync();
    return conv.name ?? "";
  },

  async rename(conversationId: string, name: string) {
    const conv = await conversation(conversationId);
    if (!(conv instanceof Group)) throw new Error(`${conversationId} is not a group`);
    await conv.updateName(name);
  },

  async memberInboxIds(conversationId: string) {
    return (await (await conversation(conversationId)).members()).map((m) => m.inboxId).sort();
  },
};

declare global {
  interface Window {
    sdk: typeof sdk;
  }
}
window.sdk = sdk;
document.getElementById("status")!.textContent = "ready";
