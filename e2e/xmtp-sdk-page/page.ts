// A third-party web app as XMTP's docs describe one: @xmtp/browser-sdk, unmodified, with
// a local EOA signer and apiUrl = our node. Bundled by Vite from this source for
// e2e/xmtp-sdk.spec.ts, which drives it through window.sdk (one user per browser context).
import {
  Client,
  decryptAttachment,
  encodeText,
  encryptAttachment,
  Group,
  IdentifierKind,
  ReactionAction,
  ReactionSchema,
  type ClientOptions,
  type EnrichedReply,
  type MultiRemoteAttachment,
  type Reaction,
  type RemoteAttachment,
  type Signer,
} from "@xmtp/browser-sdk";
import { seededBytes } from "./seeded-bytes";
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

async function group(id: string) {
  const conv = await conversation(id);
  if (!(conv instanceof Group)) throw new Error(`${id} is not a group`);
  return conv;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** What a test compares of one message, whatever its content type. */
export interface MessageView {
  id: string;
  sender: string;
  type: string;
  text?: string;
  /** reply:1.0: the referenced message id and the reply's text. */
  replyTo?: string;
  /** reaction:2.0 folded onto the message it points to, as the SDK's list gives them. */
  reactions: { sender: string; emoji: string; action: string }[];
  remote?: { url: string; filename?: string; contentLength?: number };
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

  /** Pulls welcomes only (no group's messages), then lists conversations. */
  async syncWelcomes() {
    await me().conversations.sync();
    return (await me().conversations.list()).map((c) => c.id);
  },

  /** Where libxmtp will read a conversation from next: its cursors (sequence ids as strings). */
  async cursors(conversationId: string) {
    const info = await (await conversation(conversationId)).debugInfo();
    return info.cursor.map((c) => ({
      originator: c.originatorId,
      sequenceId: String(c.sequenceId),
    }));
  },

  async dmWith(peerInboxId: string) {
    return (await me().conversations.getDmByInboxId(peerInboxId))?.id;
  },

  /** The conversation's text messages, oldest first, after a sync with the node (unless told not to). */
  async texts(conversationId: string, sync = true) {
    const conv = await conversation(conversationId);
    if (sync) await conv.sync();
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

  /** Every message but the SDK's membership lines, oldest first, after a sync. */
  async messages(conversationId: string): Promise<MessageView[]> {
    const conv = await conversation(conversationId);
    await conv.sync();
    const msgs = await conv.messages();
    return msgs
      .filter((m) => m.contentType.typeId !== "group_updated")
      .map((m) => {
        const view: MessageView = {
          id: m.id,
          sender: m.senderInboxId,
          type: `${m.contentType.authorityId}/${m.contentType.typeId}:${m.contentType.versionMajor}.${m.contentType.versionMinor}`,
          reactions: m.reactions.map((r) => {
            const c = r.content as Reaction;
            return {
              sender: r.senderInboxId,
              emoji: c.content,
              action: c.action === ReactionAction.Removed ? "removed" : "added",
            };
          }),
        };
        if (typeof m.content === "string") view.text = m.content;
        if (m.contentType.typeId === "reply") {
          const reply = m.content as EnrichedReply<string>;
          view.replyTo = reply.referenceId;
          if (typeof reply.content === "string") view.text = reply.content;
        }
        if (m.contentType.typeId === "remoteStaticAttachment") {
          const r = m.content as RemoteAttachment;
          view.remote = {
            url: r.url,
            ...(r.filename !== undefined ? { filename: r.filename } : {}),
            ...(r.contentLength !== undefined ? { contentLength: r.contentLength } : {}),
          };
        }
        return view;
      });
  },

  async react(conversationId: string, messageId: string, referenceInboxId: string, emoji: string) {
    await (
      await conversation(conversationId)
    ).sendReaction({
      reference: messageId,
      referenceInboxId,
      action: ReactionAction.Added,
      content: emoji,
      schema: ReactionSchema.Unicode,
    });
  },

  async reply(conversationId: string, messageId: string, referenceInboxId: string, text: string) {
    await (
      await conversation(conversationId)
    ).sendReply({ reference: messageId, referenceInboxId, content: await encodeText(text) });
  },

  /**
   * What an XMTP app does for a big file: encrypt with the SDK, upload the ciphertext to our
   * node's attachment store (POST /attachments), send remoteStaticAttachment:1.0 with its URL.
   */
  async sendRemoteAttachment(
    conversationId: string,
    nodeUrl: string,
    seed: number,
    length: number,
    filename: string,
  ) {
    const encrypted = await encryptAttachment({
      filename,
      mimeType: "application/octet-stream",
      content: seededBytes(seed, length),
    });
    const res = await fetch(`${nodeUrl}/attachments`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: encrypted.payload as BodyInit,
    });
    if (!res.ok) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    const { url } = (await res.json()) as { url: string };
    await (
      await conversation(conversationId)
    ).sendRemoteAttachment({
      url,
      contentDigest: encrypted.contentDigest,
      secret: encrypted.secret,
      salt: encrypted.salt,
      nonce: encrypted.nonce,
      scheme: "https://",
      contentLength: encrypted.contentLength,
      filename,
    });
  },

  /** Downloads and decrypts a remote attachment with the SDK; its bytes' SHA-256 and name. */
  async openRemoteAttachment(conversationId: string, messageId: string) {
    const conv = await conversation(conversationId);
    await conv.sync();
    const m = (await conv.messages()).find((x) => x.id === messageId);
    if (!m || m.contentType.typeId !== "remoteStaticAttachment")
      throw new Error(`no remote attachment ${messageId}`);
    const remote = m.content as RemoteAttachment;
    const res = await fetch(remote.url);
    if (!res.ok) throw new Error(`download failed: ${res.status}`);
    const file = await decryptAttachment(new Uint8Array(await res.arrayBuffer()), remote);
    return {
      sha256: await sha256Hex(file.content),
      length: file.content.length,
      filename: file.filename,
      mimeType: file.mimeType,
    };
  },

  /**
   * Several files in one message as an XMTP app sends them: each encrypted by the SDK with its
   * own key, uploaded to our node's store, then one multiRemoteStaticAttachment:1.0.
   */
  async sendMultiRemoteAttachment(
    conversationId: string,
    nodeUrl: string,
    files: { seed: number; length: number; filename: string }[],
  ) {
    const attachments: RemoteAttachment[] = [];
    for (const f of files) {
      const encrypted = await encryptAttachment({
        filename: f.filename,
        mimeType: "application/octet-stream",
        content: seededBytes(f.seed, f.length),
      });
      const res = await fetch(`${nodeUrl}/attachments`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: encrypted.payload as BodyInit,
      });
      if (!res.ok) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
      const { url } = (await res.json()) as { url: string };
      attachments.push({
        url,
        contentDigest: encrypted.contentDigest,
        secret: encrypted.secret,
        salt: encrypted.salt,
        nonce: encrypted.nonce,
        scheme: "https://",
        contentLength: encrypted.contentLength,
        filename: f.filename,
      });
    }
    return (await conversation(conversationId)).sendMultiRemoteAttachment({ attachments });
  },

  /** The SDK's reading of a multi remote attachment: each file downloaded and decrypted. */
  async openMultiRemoteAttachment(conversationId: string, messageId: string) {
    const conv = await conversation(conversationId);
    await conv.sync();
    const m = (await conv.messages()).find((x) => x.id === messageId);
    if (!m || m.contentType.typeId !== "multiRemoteStaticAttachment")
      throw new Error(`no multi remote attachment ${messageId} (${m?.contentType.typeId})`);
    const multi = m.content as MultiRemoteAttachment;
    const out = [];
    for (const remote of multi.attachments) {
      const res = await fetch(remote.url);
      if (!res.ok) throw new Error(`download failed: ${res.status}`);
      const file = await decryptAttachment(new Uint8Array(await res.arrayBuffer()), remote);
      out.push({
        sha256: await sha256Hex(file.content),
        length: file.content.length,
        filename: file.filename,
        mimeType: file.mimeType,
      });
    }
    return { fallback: m.fallback, files: out };
  },

  async addMembers(conversationId: string, inboxIds: string[]) {
    await (await group(conversationId)).addMembers(inboxIds);
  },

  async removeMembers(conversationId: string, inboxIds: string[]) {
    await (await group(conversationId)).removeMembers(inboxIds);
  },

  /** Whether this installation is still in the group, after a sync (which a removed member's libxmtp refuses). */
  async isActive(conversationId: string) {
    const conv = await conversation(conversationId);
    await conv.sync().catch(() => undefined);
    return conv.isActive();
  },

  /** The members' inbox ids, sorted, after a sync (so the latest commit is applied). */
  async memberInboxIds(conversationId: string) {
    const conv = await conversation(conversationId);
    await conv.sync();
    return (await conv.members()).map((m) => m.inboxId).sort();
  },
};

declare global {
  interface Window {
    sdk: typeof sdk;
  }
}
window.sdk = sdk;
document.getElementById("status")!.textContent = "ready";
