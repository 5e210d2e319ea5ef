// Lives under test/ (not components/): building real encrypted payloads needs lib/content, which views may not import.
// The decrypted-image cache against real attachment encryption: a host (or a stranger who
// knows a URL) must not get a second message to show an image it does not carry.
import { describe, expect, it } from "vitest";
import type { Attachment } from "@/lib/client";
import {
  encryptAttachment,
  loadRemoteAttachment,
  remoteAttachmentFor,
} from "../../lib/content/remote-attachment-crypto";
import { createAttachmentCache } from "../../components/thread/attachment-cache";

const URL_ = "https://files.example/a1";
const image = (byte: number): Attachment => ({
  filename: "photo.png",
  mimeType: "image/png",
  data: new Uint8Array(64).fill(byte),
});

/** A file host whose content at a URL can be replaced, counting downloads. */
function fileHost() {
  const files = new Map<string, Uint8Array>();
  let gets = 0;
  const fetch = (async (input: RequestInfo | URL) => {
    gets++;
    const body = files.get(String(input));
    return body ? new Response(body as BodyInit) : new Response(null, { status: 404 });
  }) as typeof globalThis.fetch;
  const load = (r: Parameters<typeof loadRemoteAttachment>[0]) =>
    loadRemoteAttachment(r, { maxBytes: 1 << 20, fetch });
  return { files, load, gets: () => gets };
}

describe("decrypted attachment cache", () => {
  it("sameUrlAnotherDigestIsNotServedFromCache: a second message reusing a URL gets its own fetch and check", async () => {
    const host = fileHost();
    const cache = createAttachmentCache();
    const first = await encryptAttachment(image(1));
    host.files.set(URL_, first.payload);
    const a = await cache.load(remoteAttachmentFor(first, URL_, "photo.png"), host.load);
    expect(a.data[0]).toBe(1);

    // Another message names the same URL with another digest: never the cached picture.
    const second = await encryptAttachment(image(2));
    const forged = remoteAttachmentFor(second, URL_, "photo.png");
    await expect(cache.load(forged, host.load)).rejects.toThrow(/digest|SHA-256|match/i);
    expect(host.gets()).toBe(2);

    // Once the host serves that message's payload, it shows its own image.
    host.files.set(URL_, second.payload);
    expect((await cache.load(forged, host.load)).data[0]).toBe(2);
  });

  it("sameDigestOtherKeysIsNotServedFromCache: knowing a digest does not unlock the cached picture", async () => {
    const host = fileHost();
    const cache = createAttachmentCache();
    const real = await encryptAttachment(image(3));
    host.files.set(URL_, real.payload);
    await cache.load(remoteAttachmentFor(real, URL_), host.load);
    const stranger = await encryptAttachment(image(4));
    const guess = {
      ...remoteAttachmentFor(real, "https://other.example/x"),
      secret: stranger.secret,
    };
    await expect(cache.load(guess, host.load)).rejects.toThrow();
  });

  it("sameContentIsDecryptedOnce: the same message scrolled back into view is not fetched again", async () => {
    const host = fileHost();
    const cache = createAttachmentCache();
    const enc = await encryptAttachment(image(5));
    host.files.set(URL_, enc.payload);
    const remote = remoteAttachmentFor(enc, URL_);
    const [x, y] = await Promise.all([
      cache.load(remote, host.load),
      cache.load(remote, host.load),
    ]);
    expect(x).toBe(y);
    expect((await cache.load({ ...remote }, host.load)).data[0]).toBe(5);
    expect(host.gets()).toBe(1);
  });
});
