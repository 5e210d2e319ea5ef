import { expect, test } from "@playwright/test";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { Client, type MultiRemoteAttachment } from "../lib/client";
import { sha256, toHex } from "../lib/crypto";
import { newWallet } from "../test/support/accounts";
import { seededBytes } from "./xmtp-sdk-page/seeded-bytes";
import {
  closeStory,
  newUser,
  NODE_URL,
  openStory,
  type Story,
  type User,
} from "./xmtp-sdk-harness";

// Several files in one message between our client and XMTP's SDK (@xmtp/browser-sdk,
// libxmtp WASM, unmodified; see xmtp-sdk-interop.spec.ts for the setup): each side sends
// xmtp.org/multiRemoteStaticAttachment:1.0 and the other downloads and decrypts every file.
let story: Story;
let ours: Client;
let sam: User & { address: string };

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  story = await openStory("xmtp-multi-attachments");
  const key = generatePrivateKey();
  sam = {
    ...(await newUser(story.browser, "sam", key)),
    address: privateKeyToAccount(key).address.toLowerCase(),
  };
  ours = await Client.create(newWallet().signer, {
    apiUrl: NODE_URL,
    dbName: `multi-ours-${Date.now()}`,
    indexedDB,
    IDBKeyRange,
  });
});

test.afterAll(async () => {
  await ours?.close();
  await closeStory(story, sam ? [sam] : []);
});

const hexOf = (b: Uint8Array) => toHex(sha256(b));

test("oursSendsTwoFiles: the SDK reads one multi remote attachment and decrypts both files", async () => {
  test.setTimeout(150_000);
  const dm = await ours.conversations.newDm(sam.address);
  const one = seededBytes(11, 2_000);
  const two = seededBytes(12, 400_000);
  const sent = await dm.sendAttachments([
    { filename: "one.bin", mimeType: "application/octet-stream", data: one },
    { filename: "two.bin", mimeType: "application/octet-stream", data: two },
  ]);
  expect(sent.contentType).toBe("xmtp.org/multiRemoteStaticAttachment:1.0");
  await expect
    .poll(() => sam.page.evaluate(() => window.sdk.syncAll()), { timeout: 30_000 })
    .toContain(dm.id);
  const read = await sam.page.evaluate(
    ([id, m]) => window.sdk.openMultiRemoteAttachment(id!, m!),
    [dm.id, sent.id],
  );
  expect(read).toEqual({
    fallback: "Can't display this content. This app doesn't support multiple remote attachments.",
    files: [
      {
        sha256: hexOf(one),
        length: one.length,
        filename: "one.bin",
        mimeType: "application/octet-stream",
      },
      {
        sha256: hexOf(two),
        length: two.length,
        filename: "two.bin",
        mimeType: "application/octet-stream",
      },
    ],
  });
});

test("sdkSendsTwoFiles: our client reads the SDK's multi remote attachment and decrypts both files", async () => {
  test.setTimeout(150_000);
  const dm = (await ours.conversations.findDmByAddress(sam.address))!;
  await sam.page.evaluate(
    ([id, url]) =>
      window.sdk.sendMultiRemoteAttachment(id!, url!, [
        { seed: 21, length: 70_000, filename: "a-from-sdk.bin" },
        { seed: 22, length: 5, filename: "b-from-sdk.bin" },
      ]),
    [dm.id, NODE_URL],
  );
  let multi: MultiRemoteAttachment | undefined;
  await expect
    .poll(
      async () => {
        await ours.conversations.sync();
        const m = (await dm.messages()).find(
          (x) =>
            x.senderInboxId === sam.inboxId &&
            x.contentType === "xmtp.org/multiRemoteStaticAttachment:1.0",
        );
        multi = m?.content as MultiRemoteAttachment | undefined;
        return multi?.attachments.map((a) => a.filename);
      },
      { timeout: 30_000 },
    )
    .toEqual(["a-from-sdk.bin", "b-from-sdk.bin"]);
  const files = await Promise.all(multi!.attachments.map((r) => ours.loadAttachment(r)));
  expect(files.map((f) => [f.filename, hexOf(f.data)])).toEqual([
    ["a-from-sdk.bin", hexOf(seededBytes(21, 70_000))],
    ["b-from-sdk.bin", hexOf(seededBytes(22, 5))],
  ]);
});
