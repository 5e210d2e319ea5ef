// Attachment codecs (attachment:1.0, remoteStaticAttachment:1.0): split from codecs.test.ts.
import { describe, expect, it } from "vitest";
import { utf8 } from "../../crypto";
import {
  ContentTypeAttachment,
  ContentTypeRemoteAttachment,
  INLINE_ATTACHMENT_MAX_BYTES,
  attachmentCodec,
  attachmentFitsInline,
  encodeEncodedContent,
  remoteAttachmentCodec,
  shouldPushFor,
  type Attachment,
  type EncodedContent,
  type RemoteAttachment,
} from "..";
import { errorOf, registry, viaWire, wire } from "./wire";

describe("attachment:1.0", () => {
  const every = new Uint8Array(256).map((_, i) => i);

  it.each<Attachment>([
    { filename: "every byte.bin", mimeType: "application/octet-stream", data: every },
    { mimeType: "image/png", data: new Uint8Array([0x89, 0x50]) },
    {
      filename: "<img src=x onerror=alert(1)>.txt",
      mimeType: "text/plain",
      data: new Uint8Array(0),
    },
  ])("round-trips %#, filename kept as data", async (a) => {
    expect(await viaWire(ContentTypeAttachment, a)).toMatchObject({ content: a, known: true });
  });

  it("has libxmtp's fallback and pushes", () => {
    const a: Attachment = { filename: "cat.jpg", mimeType: "image/jpeg", data: new Uint8Array(1) };
    expect(registry.encode(ContentTypeAttachment, a).fallback).toBe(
      "Can't display cat.jpg. This app doesn't support attachments.",
    );
    expect(attachmentCodec.fallback({ mimeType: "x/y", data: new Uint8Array(0) })).toBe(
      "Can't display this content. This app doesn't support attachments.",
    );
    expect(shouldPushFor(ContentTypeAttachment, a)).toBe(true);
  });

  it("refuses a missing mimeType and non-byte data", () => {
    const err = errorOf(() =>
      registry.decode(wire(ContentTypeAttachment, { filename: "a" }, every)),
    );
    expect(err.message).toMatch(/parameter "mimeType" is missing/);
    const bad = { mimeType: "a/b", data: [1, 2] } as unknown as Attachment;
    expect(errorOf(() => attachmentCodec.encode(bad)).message).toMatch(/data must be a Uint8Array/);
  });

  it("fits inline only while its encoding stays under 1 MB", () => {
    const make = (n: number): Attachment => ({
      filename: "f.bin",
      mimeType: "application/octet-stream",
      data: new Uint8Array(n),
    });
    const size = (n: number) =>
      encodeEncodedContent(registry.encode(ContentTypeAttachment, make(n))).length;
    const overhead = size(500_000) - 500_000;
    const largest = INLINE_ATTACHMENT_MAX_BYTES - 1 - overhead;
    expect(size(largest)).toBe(INLINE_ATTACHMENT_MAX_BYTES - 1);
    expect(attachmentFitsInline(make(largest))).toBe(true);
    expect(attachmentFitsInline(make(largest + 1))).toBe(false);
    expect(attachmentFitsInline(make(10))).toBe(true);
  });
});

describe("remoteStaticAttachment:1.0", () => {
  const remote: RemoteAttachment = {
    url: "https://files.example.org/x/y?z=1",
    contentDigest: "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
    salt: new Uint8Array(32).fill(1),
    nonce: new Uint8Array(12).fill(2),
    secret: new Uint8Array(32).fill(3),
    scheme: "https://",
    contentLength: 123456,
    filename: "report.pdf",
  };
  const encoded = remoteAttachmentCodec.encode(remote);

  it("round-trips with and without the optional fields", async () => {
    expect(await viaWire(ContentTypeRemoteAttachment, remote)).toMatchObject({
      content: remote,
      known: true,
    });
    const minimal = { ...remote };
    delete minimal.contentLength;
    delete minimal.filename;
    expect(await viaWire(ContentTypeRemoteAttachment, minimal)).toMatchObject({ content: minimal });
  });

  it("writes hex params without 0x in xmtp-js order, and libxmtp's fallback", () => {
    expect(Object.keys(encoded.parameters)).toEqual([
      "contentDigest",
      "salt",
      "nonce",
      "secret",
      "scheme",
      "contentLength",
      "filename",
    ]);
    expect(encoded.parameters.salt).toBe("01".repeat(32));
    expect(encoded.parameters.contentLength).toBe("123456");
    expect(registry.encode(ContentTypeRemoteAttachment, remote).fallback).toBe(
      "Can't display report.pdf. This app doesn't support remote attachments.",
    );
    expect(shouldPushFor(ContentTypeRemoteAttachment, remote)).toBe(true);
  });

  const withParams = (change: Record<string, string | undefined>, content = encoded.content) => {
    const parameters = { ...encoded.parameters };
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete parameters[k];
      else parameters[k] = v;
    }
    return wire(ContentTypeRemoteAttachment, parameters, content);
  };
  const bad: [string, EncodedContent, RegExp][] = [
    ...["contentDigest", "salt", "nonce", "secret", "scheme"].map(
      (p): [string, EncodedContent, RegExp] => [
        `a missing ${p}`,
        withParams({ [p]: undefined }),
        new RegExp(`parameter "${p}" is missing`),
      ],
    ),
    [
      "a non-hex salt",
      withParams({ salt: "zz".repeat(32) }),
      /salt must be even-length hex without 0x, got "zzzz/,
    ],
    ["an odd-length nonce", withParams({ nonce: "0".repeat(23) }), /nonce must be even-length hex/],
    [
      "a 0x-prefixed secret",
      withParams({ secret: "0x" + "03".repeat(32) }),
      /secret must be even-length hex without 0x/,
    ],
    ["a 31-byte salt", withParams({ salt: "01".repeat(31) }), /salt must be 32 bytes, got 31/],
    ["a 16-byte nonce", withParams({ nonce: "02".repeat(16) }), /nonce must be 12 bytes, got 16/],
    [
      "a 16-byte secret",
      withParams({ secret: "03".repeat(16) }),
      /secret must be 32 bytes, got 16/,
    ],
    [
      "a 63-digit digest",
      withParams({ contentDigest: "a".repeat(63) }),
      /contentDigest must be 64 hex digits/,
    ],
    [
      "a non-decimal contentLength",
      withParams({ contentLength: "12a" }),
      /contentLength must be a decimal byte count, got "12a"/,
    ],
    [
      "a negative contentLength",
      withParams({ contentLength: "-1" }),
      /contentLength must be a decimal/,
    ],
    [
      "an empty contentLength",
      withParams({ contentLength: "" }),
      /contentLength must be a decimal/,
    ],
    ["a URL that is not UTF-8", withParams({}, new Uint8Array([0x68, 0xff])), /not valid UTF-8/],
    ["content that is not a URL", withParams({}, utf8("not a url")), /"not a url" is not a URL/],
  ];
  it.each(bad)("refuses %s", (_, e, message) => {
    const err = errorOf(() => registry.decode(e));
    expect(err.code).toBe("malformed_content");
    expect(err.message).toMatch(message);
  });

  it("refuses to encode insecure URLs and wrong key sizes", () => {
    for (const url of ["http://files.example.org/x", "javascript:alert(1)", "file:///etc/passwd"]) {
      expect(errorOf(() => remoteAttachmentCodec.encode({ ...remote, url })).code).toBe(
        "insecure_url",
      );
    }
    // Local development: plain http to the loopback host is allowed on the sending side.
    expect(() =>
      remoteAttachmentCodec.encode({ ...remote, url: "http://127.0.0.1:9000/f" }),
    ).not.toThrow();
    const err = errorOf(() =>
      remoteAttachmentCodec.encode({ ...remote, nonce: new Uint8Array(8) }),
    );
    expect(err.message).toMatch(/nonce must be 12 bytes, got 8/);
  });
});
