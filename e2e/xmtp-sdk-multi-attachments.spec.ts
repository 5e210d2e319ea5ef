import { expect, test } from "@playwright/test";
import type { MultiRemoteAttachment } from "../lib/client";
import { sha256, toHex } from "../lib/crypto";
import { seededBytes } from "./xmtp-sdk-page/seeded-bytes";
import { joinedBySync, NODE_URL } from "./xmtp-sdk-harness";
import { interopStory } from "./xmtp-sdk-interop-harness";

// Several files in one message between our client and XMTP's SDK (@xmtp/browser-sdk,
// libxmtp WASM, unmodified; the setup is in xmtp-sdk-interop-harness.ts): each side sends
// xmtp.org/multiRemoteStaticAttachment:1.0 and the other downloads and decrypts every file.
const s = interopStory("xmtp-multi-attachments", ["sam"]);

const hexOf = (b: Uint8Array) => toHex(sha256(b));

test("oursSendsTwoFiles: the SDK reads one multi remote attachment and decrypts both files", async () => {
  test.setTimeout(150_000);
  const { ours } = s;
  const sam = s.sdk.sam!;
  const dm = await ours.conversations.newDm(sam.address);
  const one = seededBytes(11, 2_000);
  const two = seededBytes(12, 400_000);
  const sent = await dm.sendAttachments([
    { filename: "one.bin", mimeType: "application/octet-stream", data: one },
    { filename: "two.bin", mimeType: "application/octet-stream", data: two },
  ]);
  expect(sent.contentType).toBe("xmtp.org/multiRemoteStaticAttachment:1.0");
  await joinedBySync(sam, dm.id);
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
  const { ours } = s;
  const sam = s.sdk.sam!;
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
