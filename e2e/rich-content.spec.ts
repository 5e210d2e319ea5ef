import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { Client, signerFromLocalAccount } from "../lib/client";
import { noisePng, tinyPdf } from "./support/files";
import { acceptedDm, twoPeople, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// A sends an image (~2 MB: encrypted, uploaded, sent by URL) and a small PDF (inline);
// B sees the preview, downloads the PDF byte for byte, reacts and replies; A sees both
// live and "Seen". Then script payloads in text, a filename and markdown stay inert.
test.describe.configure({ mode: "serial" });

let a: Person, b: Person;
const stamp = Date.now();
const HELLO = `photos from the trip ${stamp}`;
const REPLY = `love this one ${stamp}`;
const IMAGE = noisePng(760, 700); // ≈ 2.1 MB
const PDF = tinyPdf(`itinerary ${stamp}`);

twoPeople((pa, pb) => ([a, b] = [pa, pb]), { b: { acceptDownloads: true } });

test("an image goes remote, a PDF inline; B previews one and downloads the other byte for byte", async () => {
  test.setTimeout(180_000);
  expect(IMAGE.length).toBeGreaterThan(2_000_000);
  await acceptedDm(a, b, HELLO);

  // One at a time: files picked together go as one message (multi-attachments.spec).
  await a.page
    .getByTestId("attach-input")
    .setInputFiles([{ name: "trip.png", mimeType: "image/png", buffer: IMAGE }]);
  await a.page
    .getByTestId("attach-input")
    .setInputFiles([{ name: "itinerary.pdf", mimeType: "application/pdf", buffer: PDF }]);
  // Both arrive in A's own thread, published: the image decrypted back from the node.
  const mine = a.page.getByTestId("message").filter({ has: a.page.getByTestId("attachment") });
  await expect(mine).toHaveCount(2, { timeout: 60_000 });
  await expect(a.page.getByTestId("upload")).toHaveCount(0, { timeout: 60_000 });
  for (const m of await mine.all())
    await expect(m).toHaveAttribute("data-status", "published", { timeout: 30_000 });

  await b.app.items.first().click();
  const image = b.page.getByTestId("attachment-image");
  await expect(image).toBeVisible({ timeout: 60_000 });
  // A real decoded picture, not a broken icon.
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 30_000 })
    .toBe(760);

  const pdf = b.page.locator('[data-testid="attachment"][data-kind="file"]');
  await expect(pdf.getByTestId("attachment-name")).toHaveText("itinerary.pdf");
  const [download] = await Promise.all([b.page.waitForEvent("download"), pdf.click()]);
  expect(download.suggestedFilename()).toBe("itinerary.pdf");
  const saved = await readFile((await download.path())!);
  expect(Buffer.compare(saved, PDF)).toBe(0);
  await shootBoth(b.page, "rich-attachments");
});

test("B reacts and replies; A sees both live, and 'Seen' under its last message", async () => {
  test.setTimeout(120_000);
  const target = b.app.message(HELLO).first();
  await target.hover();
  await target.getByTestId("react").click();
  await b.page.getByTestId("reaction-option").filter({ hasText: "👍" }).click();
  await expect(target.getByTestId("reaction")).toHaveAttribute("data-emoji", "👍");
  await expect(target.getByTestId("reaction")).toHaveAttribute("aria-pressed", "true");

  // Any emoji, from the full picker (its data is bundled with the app, not fetched).
  await target.hover();
  await target.getByTestId("react").click();
  await b.page.getByTestId("reaction-more").click();
  const picker = b.page.getByTestId("emoji-picker");
  await picker.getByLabel("Search emoji").fill("party popper");
  await shootBoth(b.page, "rich-emoji-picker", async () => {
    await expect(picker).toBeVisible();
  });
  await picker
    .getByRole("button", { name: /party popper/i })
    .first()
    .click();
  await expect(target.getByTestId("reaction")).toHaveCount(2);
  await expect(target.locator('[data-testid="reaction"][data-emoji="🎉"]')).toBeVisible();

  await target.hover();
  await target.getByTestId("reply").click();
  await expect(b.page.getByTestId("reply-preview")).toContainText(HELLO);
  await b.page.getByTestId("composer").fill(REPLY);
  await b.page.getByTestId("composer").press("Enter");
  await expect(b.page.getByTestId("reply-preview")).toHaveCount(0);

  // A, thread open: the reaction lands on its message, the reply quotes it.
  const aHello = a.app.message(HELLO).first(); // the reply quoting it also holds the text
  const thumbs = aHello.locator('[data-testid="reaction"][data-emoji="👍"]');
  await expect(thumbs).toBeVisible({ timeout: 30_000 });
  await expect(thumbs).toHaveAttribute("aria-pressed", "false");
  await expect(aHello.getByTestId("reaction")).toHaveCount(2);
  // B takes its 🎉 back: it disappears for A too.
  await target.locator('[data-testid="reaction"][data-emoji="🎉"]').click();
  await expect(aHello.getByTestId("reaction")).toHaveCount(1, { timeout: 30_000 });
  const reply = a.app.message(REPLY);
  await expect(reply).toBeVisible({ timeout: 30_000 });
  await expect(reply.getByTestId("reply-quote")).toContainText(HELLO);
  // B has read everything A sent: "Seen" sits under A's last message, and only there.
  await expect(a.page.getByTestId("read-receipt")).toHaveCount(1, { timeout: 30_000 });
  const lastMine = a.page
    .getByTestId("message")
    .filter({ has: a.page.getByTestId("attachment") })
    .last();
  await expect(lastMine.getByTestId("read-receipt")).toBeVisible();
  // Clicking the quote brings the original into view.
  await reply.getByTestId("reply-quote").click();
  await expect(aHello).toBeInViewport();
  await shootBoth(a.page, "rich-reactions-reply");
});

test("script payloads in a message, a filename and markdown render inert", async ({ baseURL }) => {
  test.setTimeout(120_000);
  const payload = `<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>`;
  await a.app.send(payload);
  await a.page.getByTestId("attach-input").setInputFiles([
    {
      name: `"><img src=x onerror="window.__xss=1">.pdf`,
      mimeType: "application/pdf",
      buffer: PDF,
    },
  ]);

  // A third person, a Node client with a local wallet, sends B markdown (as other XMTP apps can).
  const wallet = signerFromLocalAccount(privateKeyToAccount(generatePrivateKey()));
  const carol = await Client.create(wallet, {
    apiUrl: baseURL!,
    dbName: `carol-${stamp}`,
    indexedDB,
    IDBKeyRange,
  });
  const dm = await carol.conversations.newDm(b.wallet.address);
  await dm.send(
    `**bold** and \`code\`\n\n[click me](javascript:window.__xss=1) [site](https://example.org)\n\n<img src=x onerror="window.__xss=1">\n\n![pic](https://evil.example/p.png)`,
    { authorityId: "xmtp.org", typeId: "markdown", versionMajor: 1, versionMinor: 0 },
  );
  await carol.close();

  await expect(b.app.message(payload)).toBeVisible({ timeout: 30_000 });
  await expect(b.page.getByTestId("attachment-name").filter({ hasText: "onerror" })).toBeVisible({
    timeout: 30_000,
  });
  // Carol is a stranger: her markdown is read as a request, still rendered safely.
  await b.app.openRequest("bold");
  const md = b.page.getByTestId("message").filter({ hasText: "click me" });
  await expect(md.locator("strong")).toHaveText("bold");
  await expect(md.locator("code")).toHaveText("code");
  await expect(md.getByRole("link", { name: "site" })).toHaveAttribute("rel", /noopener/);
  await expect(md.getByRole("link", { name: "site" })).toHaveAttribute("target", "_blank");
  await md.getByText("click me").click();
  await expect(md.locator("img")).toHaveCount(0); // no remote image loaded
  for (const page of [a.page, b.page]) {
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(
      await page
        .locator("script:not([src])")
        .evaluateAll((s) => s.map((x) => x.textContent).filter((t) => t?.includes("__xss"))),
    ).toEqual([]);
    expect(await page.locator("[onerror]").count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
  }
  await shootBoth(b.page, "rich-markdown");
});

test("files also come in by paste and by drop; an upload in progress can be cancelled", async () => {
  test.setTimeout(120_000);
  await a.app.items.first().click();
  await b.page.getByTestId("tab-inbox").click();
  await b.app.items.first().click(); // B back in its conversation with A
  // Paste a file into the composer.
  await a.page.getByTestId("composer").evaluate((el) => {
    const dt = new DataTransfer();
    dt.items.add(new File(["pasted notes"], "pasted.txt", { type: "text/plain" }));
    el.dispatchEvent(
      new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }),
    );
  });
  // Drop one onto the thread.
  const dropped = await a.page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(["dropped notes"], "dropped.txt", { type: "text/plain" }));
    return dt;
  });
  await a.page.dispatchEvent('[data-testid="composer"]', "dragover", { dataTransfer: dropped });
  await a.page.dispatchEvent('[data-testid="composer"]', "drop", { dataTransfer: dropped });
  for (const name of ["pasted.txt", "dropped.txt"])
    await expect(b.page.getByTestId("attachment-name").filter({ hasText: name })).toBeVisible({
      timeout: 30_000,
    });

  // A slow link: the 2 MB upload is still going when A cancels it.
  const cdp = await a.context.newCDPSession(a.page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 20,
    downloadThroughput: -1,
    uploadThroughput: 64 * 1024,
  });
  const before = await a.app.messages.count();
  await a.page
    .getByTestId("attach-input")
    .setInputFiles([{ name: "slow.png", mimeType: "image/png", buffer: IMAGE }]);
  const upload = a.page.getByTestId("upload");
  await expect(upload).toBeVisible();
  await expect(upload.getByTestId("upload-progress")).toBeVisible();
  await shootBoth(a.page, "rich-upload-progress");
  await upload.getByTestId("cancel-upload").click();
  await expect(upload).toHaveCount(0);
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  // Nothing was sent: no new bubble for A, and nothing named slow.png reaches B.
  await a.page.waitForTimeout(2_000);
  expect(await a.app.messages.count()).toBe(before);
  await expect(b.page.getByText("slow.png")).toHaveCount(0);
});
