import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { toHex, utf8 } from "../../crypto";
import {
  ContentError,
  ContentTypeAttachment,
  attachmentCodec,
  decodeEncodedContent,
  decryptRemoteAttachment,
  encodeEncodedContent,
  encryptAttachment,
  loadRemoteAttachment,
  remoteAttachmentFor,
  textCodec,
  type Attachment,
  type EncryptedAttachment,
  type RemoteAttachment,
} from "..";

// --- An independent implementation of the spec, WebCrypto only --------------------------
// key = HKDF-SHA256(ikm=secret, salt, info=empty, 32 B); AES-256-GCM, 12-byte nonce, no AAD.

const buf = (b: Uint8Array) => b.slice().buffer as ArrayBuffer;

async function specKey(secret: Uint8Array, salt: Uint8Array): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey("raw", buf(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: buf(salt), info: new ArrayBuffer(0) },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

async function specDigestHex(payload: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", buf(payload))));
}

async function specEncrypt(plaintext: Uint8Array) {
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const key = await specKey(secret, salt);
  const payload = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv: buf(nonce) }, key, buf(plaintext)),
  );
  return { secret, salt, nonce, payload, contentDigest: await specDigestHex(payload) };
}

// --------------------------------------------------------------------------------------------

const photo: Attachment = {
  filename: "photo.jpg",
  mimeType: "image/jpeg",
  data: crypto.getRandomValues(new Uint8Array(40_000)),
};

async function codeOf(p: Promise<unknown>): Promise<ContentError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ContentError);
    return e as ContentError;
  }
  throw new Error("expected a ContentError, nothing was thrown");
}

describe("remote attachment encryption", () => {
  it("our encryption is decrypted by the WebCrypto implementation of the spec", async () => {
    const enc = await encryptAttachment(photo);
    expect([enc.secret.length, enc.salt.length, enc.nonce.length]).toEqual([32, 32, 12]);
    expect(enc.contentLength).toBe(enc.payload.length);
    expect(enc.contentDigest).toBe(await specDigestHex(enc.payload));

    const key = await specKey(enc.secret, enc.salt);
    const plaintext = new Uint8Array(
      await crypto.subtle.decrypt({ name: "AES-GCM", iv: buf(enc.nonce) }, key, buf(enc.payload)),
    );
    // ciphertext‖tag: 16 bytes of tag over the plaintext length.
    expect(enc.payload.length).toBe(plaintext.length + 16);
    const inner = decodeEncodedContent(plaintext);
    expect(inner.type).toEqual(ContentTypeAttachment);
    expect(inner.parameters).toEqual({ filename: "photo.jpg", mimeType: "image/jpeg" });
    expect(toHex(inner.content)).toBe(toHex(photo.data));
  });

  it("uses a fresh secret, salt and nonce every time", async () => {
    const [a, b] = await Promise.all([encryptAttachment(photo), encryptAttachment(photo)]);
    expect(toHex(a.secret)).not.toBe(toHex(b.secret));
    expect(toHex(a.salt)).not.toBe(toHex(b.salt));
    expect(toHex(a.nonce)).not.toBe(toHex(b.nonce));
    expect(a.contentDigest).not.toBe(b.contentDigest);
  });

  it("decrypts what the WebCrypto implementation of the spec encrypted", async () => {
    // As xmtp-js does it: the attachment codec's output, without fallback.
    const plaintext = encodeEncodedContent(attachmentCodec.encode(photo));
    const spec = await specEncrypt(plaintext);
    const got = await decryptRemoteAttachment(
      { ...spec, contentLength: spec.payload.length },
      spec.payload,
    );
    expect(got).toEqual(photo);
  });

  it("checks the digest before decrypting: a corrupted payload is a digest_mismatch", async () => {
    const enc = await encryptAttachment(photo);
    const corrupted = enc.payload.slice();
    corrupted[100]! ^= 0x01;
    const err = await codeOf(decryptRemoteAttachment(enc, corrupted));
    expect(err.code).toBe("digest_mismatch");
    expect(err.message).toContain(enc.contentDigest);
    expect(err.message).toContain(await specDigestHex(corrupted));
    // Even with a wrong secret too (decryption would fail), the digest is what is reported.
    const wrongSecret = { ...enc, secret: new Uint8Array(32) };
    expect((await codeOf(decryptRemoteAttachment(wrongSecret, corrupted))).code).toBe(
      "digest_mismatch",
    );
  });

  it("a payload that matches its digest but not the key is a decrypt_failed", async () => {
    const enc = await encryptAttachment(photo);
    const err = await codeOf(
      decryptRemoteAttachment({ ...enc, secret: new Uint8Array(32).fill(7) }, enc.payload),
    );
    expect(err.code).toBe("decrypt_failed");
  });

  it("a payload whose length disagrees with contentLength is a length_mismatch", async () => {
    const enc = await encryptAttachment(photo);
    const err = await codeOf(decryptRemoteAttachment(enc, enc.payload.subarray(0, 1000)));
    expect(err.code).toBe("length_mismatch");
    expect(err.message).toBe(
      `remote attachment: payload is 1000 bytes, contentLength says ${enc.contentLength}`,
    );
  });

  it("refuses a payload that decrypts to something other than an attachment", async () => {
    const spec = await specEncrypt(encodeEncodedContent(textCodec.encode("not a file")));
    const err = await codeOf(decryptRemoteAttachment(spec, spec.payload));
    expect(err.code).toBe("malformed_content");
    expect(err.message).toContain(`holds xmtp.org/text:1.0`);
  });

  it("refuses keys of the wrong size", async () => {
    const enc = await encryptAttachment(photo);
    const err = await codeOf(
      decryptRemoteAttachment({ ...enc, nonce: new Uint8Array(16) }, enc.payload),
    );
    expect(err.message).toMatch(/nonce must be 12 bytes, got 16/);
  });
});

describe("loadRemoteAttachment over real HTTP (127.0.0.1)", () => {
  let server: Server;
  let base: string;
  let enc: EncryptedAttachment;
  const hits: string[] = [];

  beforeAll(async () => {
    enc = await encryptAttachment(photo);
    server = createServer((req, res) => {
      hits.push(req.url ?? "");
      const send = (status: number, body: Uint8Array) => {
        res.writeHead(status, { "content-type": "application/octet-stream" });
        res.end(body);
      };
      switch (req.url) {
        case "/ok":
          return send(200, enc.payload);
        case "/truncated":
          return send(200, enc.payload.subarray(0, enc.payload.length - 10));
        case "/longer":
          return send(200, new Uint8Array([...enc.payload, 1, 2, 3]));
        case "/corrupted": {
          const c = enc.payload.slice();
          c[5]! ^= 0xff;
          return send(200, c);
        }
        case "/endless": {
          // Never ends on its own: only a client that stops reading lets this test finish.
          res.writeHead(200);
          const chunk = new Uint8Array(64 * 1024);
          const pump = () => {
            while (!res.destroyed && res.write(chunk));
            if (!res.destroyed) res.once("drain", pump);
          };
          res.on("close", () => res.destroy());
          return pump();
        }
        default:
          return send(404, utf8("no such file"));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const at = (path: string, over: Partial<RemoteAttachment> = {}): RemoteAttachment => ({
    ...remoteAttachmentFor(enc, `${base}${path}`, "photo.jpg"),
    ...over,
  });
  const dev = { allowInsecure: true, maxBytes: 1_000_000 };

  it("downloads, verifies and decrypts", async () => {
    expect(await loadRemoteAttachment(at("/ok"), dev)).toEqual(photo);
    // Without contentLength the digest alone guards the bytes.
    const noLength = at("/ok");
    delete noLength.contentLength;
    expect(await loadRemoteAttachment(noLength, dev)).toEqual(photo);
  });

  it("refuses plain http unless allowed, and then only to localhost, without a request", async () => {
    const before = hits.length;
    const plain = await codeOf(loadRemoteAttachment(at("/ok"), { maxBytes: 1_000_000 }));
    expect(plain.code).toBe("insecure_url");
    expect(plain.message).toContain(`${base}/ok`);
    const elsewhere = at("/ok", { url: "http://files.example.org/ok" });
    expect((await codeOf(loadRemoteAttachment(elsewhere, dev))).code).toBe("insecure_url");
    const dataUrl = at("/ok", { url: "data:application/octet-stream;base64,AAAA" });
    expect((await codeOf(loadRemoteAttachment(dataUrl, dev))).code).toBe("insecure_url");
    expect(hits.length).toBe(before);
  });

  it("stops reading a body larger than maxBytes", async () => {
    const remote = at("/endless");
    delete remote.contentLength;
    const err = await codeOf(loadRemoteAttachment(remote, { ...dev, maxBytes: 200_000 }));
    expect(err.code).toBe("too_large");
    expect(err.message).toMatch(/exceeds the 200000-byte limit/);
  });

  it("refuses a declared contentLength above maxBytes before any request", async () => {
    const before = hits.length;
    const err = await codeOf(loadRemoteAttachment(at("/ok"), { ...dev, maxBytes: 1000 }));
    expect(err.code).toBe("too_large");
    expect(err.message).toBe(
      `remote attachment: contentLength ${enc.contentLength} exceeds the 1000-byte limit`,
    );
    expect(hits.length).toBe(before);
  });

  it("refuses a truncated body and a body longer than contentLength", async () => {
    const short = await codeOf(loadRemoteAttachment(at("/truncated"), dev));
    expect(short.code).toBe("length_mismatch");
    expect(short.message).toBe(
      `remote attachment: body is ${enc.contentLength - 10} bytes, contentLength says ${enc.contentLength}`,
    );
    const long = await codeOf(loadRemoteAttachment(at("/longer"), dev));
    expect(long.code).toBe("length_mismatch");
    expect(long.message).toMatch(/longer than contentLength/);
  });

  it("refuses a body that does not match the digest", async () => {
    expect((await codeOf(loadRemoteAttachment(at("/corrupted"), dev))).code).toBe(
      "digest_mismatch",
    );
  });

  it("reports HTTP errors and unreachable hosts as retryable fetch_failed", async () => {
    const missing = await codeOf(loadRemoteAttachment(at("/gone"), dev));
    expect(missing).toMatchObject({ code: "fetch_failed", retryable: true });
    expect(missing.message).toContain("HTTP 404");

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await codeOf(
      loadRemoteAttachment(at("/ok", { url: `http://127.0.0.1:${port}/ok` }), dev),
    );
    expect(refused.code).toBe("fetch_failed");
  });
});
