import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { noisePng, tinyPdf } from "./support/files";
import { acceptedDm, twoPeople, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// A picks two pictures and a PDF at once: ONE message (xmtp.org/multiRemoteStaticAttachment)
// that B sees as a grid of two thumbnails and a file row; B downloads the PDF byte for byte,
// reacts to the message and replies to it. A file over the limit is refused by name.
test.describe.configure({ mode: "serial" });

let a: Person, b: Person;
const stamp = Date.now();
const HELLO = `the files from today ${stamp}`;
const BEACH = noisePng(120, 90);
const HILLS = noisePng(90, 120);
const PDF = tinyPdf(`receipts ${stamp}`);

twoPeople((pa, pb) => ([a, b] = [pa, pb]), { b: { acceptDownloads: true } });

test("three files picked together arrive as one message: two thumbnails and a file row", async () => {
  test.setTimeout(180_000);
  await acceptedDm(a, b, HELLO);
  await a.page.getByTestId("attach-input").setInputFiles([
    { name: "beach.png", mimeType: "image/png", buffer: BEACH },
    { name: "hills.png", mimeType: "image/png", buffer: HILLS },
    { name: "receipts.pdf", mimeType: "application/pdf", buffer: PDF },
  ]);
  // One message on A's side, published, holding all three.
  const mine = a.page.getByTestId("message").filter({ has: a.page.getByTestId("attachments") });
  await expect(mine).toHaveCount(1, { timeout: 60_000 });
  await expect(mine).toHaveAttribute("data-status", "published", { timeout: 30_000 });
  await expect(a.page.getByTestId("upload")).toHaveCount(0);
  await expect(mine.getByTestId("attachments")).toHaveAttribute("data-count", "3");

  await b.app.items.first().click();
  const theirs = b.page.getByTestId("message").filter({ has: b.page.getByTestId("attachments") });
  await expect(theirs).toHaveCount(1, { timeout: 60_000 });
  const thumbs = theirs.getByTestId("attachment-image");
  await expect(thumbs).toHaveCount(2, { timeout: 60_000 });
  // Real decoded pictures, each its own file.
  const widths = async () =>
    (await thumbs.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth)))
      .slice()
      .sort();
  await expect.poll(widths, { timeout: 30_000 }).toEqual([120, 90].sort());
  const pdf = theirs.locator('[data-testid="attachment"][data-kind="file"]');
  await expect(pdf.getByTestId("attachment-name")).toHaveText("receipts.pdf");
  const [download] = await Promise.all([b.page.waitForEvent("download"), pdf.click()]);
  expect(download.suggestedFilename()).toBe("receipts.pdf");
  expect(Buffer.compare(await readFile((await download.path())!), PDF)).toBe(0);
  // The list previews it by its files.
  await expect(b.app.items.first()).toContainText("📎 3 files: beach.png, hills.png, receipts.pdf");
  await shootBoth(b.page, "multi-attachments");
});

test("B reacts to and replies to the several-files message; A sees both on it", async () => {
  test.setTimeout(120_000);
  const target = b.page.getByTestId("message").filter({ has: b.page.getByTestId("attachments") });
  await target.hover();
  await target.getByTestId("react").click();
  await b.page.getByTestId("reaction-option").filter({ hasText: "👍" }).click();
  await target.hover();
  await target.getByTestId("reply").click();
  await expect(b.page.getByTestId("reply-preview")).toContainText("📎 3 files");
  await b.page.getByTestId("composer").fill(`all three, thanks ${stamp}`);
  await b.page.getByTestId("composer").press("Enter");

  const mine = a.page.getByTestId("message").filter({ has: a.page.getByTestId("attachments") });
  await expect(mine.locator('[data-testid="reaction"][data-emoji="👍"]')).toBeVisible({
    timeout: 30_000,
  });
  const reply = a.app.message(`all three, thanks ${stamp}`);
  await expect(reply.getByTestId("reply-quote")).toContainText("📎 3 files", { timeout: 30_000 });
});

test("a file over the limit among several is refused by its name; nothing is sent", async () => {
  test.setTimeout(120_000);
  const before = await a.page.getByTestId("message").count();
  await a.page.getByTestId("attach-input").setInputFiles([
    { name: "fine.txt", mimeType: "text/plain", buffer: Buffer.from("fine") },
    { name: "huge.mov", mimeType: "video/quicktime", buffer: Buffer.alloc(26 * 1024 * 1024) },
  ]);
  const alert = a.page.getByTestId("upload").getByRole("alert");
  await expect(alert).toContainText("huge.mov is 27262976 bytes", { timeout: 30_000 });
  await expect(a.page.getByTestId("message")).toHaveCount(before);
  await a.page.getByTestId("cancel-upload").click();
  await expect(a.page.getByTestId("upload")).toHaveCount(0);
});
