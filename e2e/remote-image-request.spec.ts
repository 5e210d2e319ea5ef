import { expect, test } from "@playwright/test";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { Client, signerFromLocalAccount, type RemoteAttachment } from "../lib/client";
import { noisePng } from "./support/files";
import { newPerson, onboard, type Person } from "./support/person";
import { shootBoth } from "./support/screenshots";

// A stranger sends A a picture by URL. Opening the request must not fetch it: the fetch
// would tell the file's host (the stranger's choice) A's IP address and that A read it.
// Only A's tap on "Load image" fetches it.
let a: Person;
const stamp = Date.now();
const HELLO = `a picture for you ${stamp}`;
const IMAGE = noisePng(600, 500); // ≈ 1.2 MB: too big to travel inline, so it goes by URL

test.beforeAll(async ({ browser }) => {
  a = await newPerson(browser);
});

test.afterAll(async () => {
  expect(a?.escaped ?? []).toEqual([]);
  await a?.context.close();
});

test("remoteImageInRequestWaitsForTap: no request reaches the attachment URL until Load image", async ({
  baseURL,
}) => {
  test.setTimeout(150_000);
  await onboard(a);

  const stranger = await Client.create(
    signerFromLocalAccount(privateKeyToAccount(generatePrivateKey())),
    { apiUrl: baseURL!, dbName: `stranger-${stamp}`, indexedDB, IDBKeyRange },
  );
  const dm = await stranger.conversations.newDm(a.wallet.address);
  await dm.send(HELLO);
  const sent = await dm.sendAttachment({
    filename: "holiday.png",
    mimeType: "image/png",
    data: new Uint8Array(IMAGE),
  });
  await stranger.close();
  const url = (sent.content as RemoteAttachment).url;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1/);

  const fetched: string[] = [];
  a.context.on("request", (r) => r.url() === url && fetched.push(r.url()));
  await a.app.openRequest("holiday.png"); // the list shows the last message
  await expect(a.app.message(HELLO)).toBeVisible();
  // Give an eager fetch every chance to happen.
  await a.page.waitForTimeout(2_000);
  expect(fetched).toEqual([]);
  const held = a.page.getByTestId("remote-image-held");
  await expect(held).toBeVisible();
  await expect(held).toContainText("holiday.png");
  await expect(a.page.getByTestId("attachment-image")).toHaveCount(0);
  await shootBoth(a.page, "remote-image-held");

  await held.getByTestId("load-remote-image").click();
  const image = a.page.getByTestId("attachment-image");
  await expect(image).toBeVisible({ timeout: 30_000 });
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 30_000 })
    .toBe(600);
  expect(fetched).toEqual([url]);
});
