import { describe, expect, it } from "vitest";
import { concatBytes, toHex, utf8 } from "../../crypto";
import {
  ContentError,
  ContentTypeMultiRemoteAttachment,
  decodeEncodedContent,
  decryptRemoteAttachment,
  defaultRegistry,
  encodeEncodedContent,
  encryptAttachment,
  remoteAttachmentFor,
  type MultiRemoteAttachment,
  type RemoteAttachment,
} from "..";

// Golden bytes assembled by hand from xmtp/proto's multi_remote_attachment.proto and
// content.proto (field numbers below), independent of protobuf-es and of our codec:
//   MultiRemoteAttachment{ repeated RemoteAttachmentInfo attachments = 1 }
//   RemoteAttachmentInfo{ content_digest = 1 (string), secret = 2, nonce = 3, salt = 4 (bytes),
//     scheme = 5, url = 6 (string), optional uint32 content_length = 7, optional filename = 8 }
const varint = (n: number) => {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Uint8Array.from(out);
};
const ld = (field: number, bytes: Uint8Array) =>
  concatBytes(Uint8Array.of((field << 3) | 2), varint(bytes.length), bytes);
const str = (field: number, s: string) => ld(field, utf8(s));
const uint = (field: number, n: number) => concatBytes(Uint8Array.of(field << 3), varint(n));
const typeId = concatBytes(
  ld(
    1,
    concatBytes(
      str(1, "xmtp.org"),
      str(2, "multiRemoteStaticAttachment"),
      Uint8Array.of(0x18, 1), // version_major = 1; version_minor 0 is not written
    ),
  ),
);
const FALLBACK =
  "Can't display this content. This app doesn't support multiple remote attachments.";

const fill = (n: number, b: number) => new Uint8Array(n).fill(b);
const item = (i: number, extra: Partial<RemoteAttachment> = {}): RemoteAttachment => ({
  url: `https://files.example/${i}`,
  contentDigest: String(i).repeat(64),
  secret: fill(32, 0x10 + i),
  nonce: fill(12, 0x20 + i),
  salt: fill(32, 0x30 + i),
  scheme: "https://",
  ...extra,
});
const itemBytes = (i: number, length?: number, filename?: string) =>
  concatBytes(
    str(1, String(i).repeat(64)),
    ld(2, fill(32, 0x10 + i)),
    ld(3, fill(12, 0x20 + i)),
    ld(4, fill(32, 0x30 + i)),
    str(5, "https://"),
    str(6, `https://files.example/${i}`),
    length === undefined ? new Uint8Array() : uint(7, length),
    filename === undefined ? new Uint8Array() : str(8, filename),
  );

const registry = defaultRegistry();

describe("xmtp.org/multiRemoteStaticAttachment:1.0", () => {
  const value: MultiRemoteAttachment = {
    attachments: [
      item(1, { contentLength: 300, filename: "cat.png" }),
      item(2), // libxmtp leaves both optionals out when it does not know them
      item(3, { contentLength: 70_000, filename: "notes é.pdf" }),
    ],
  };
  // EncodedContent{type = 1, fallback = 3, content = 4}: no parameters, as libxmtp writes it.
  const golden = concatBytes(
    typeId,
    str(3, FALLBACK),
    ld(
      4,
      concatBytes(
        ld(1, itemBytes(1, 300, "cat.png")),
        ld(1, itemBytes(2)),
        ld(1, itemBytes(3, 70_000, "notes é.pdf")),
      ),
    ),
  );

  it("encodes to XMTP's bytes, with libxmtp's fallback, and decodes them back", () => {
    const encoded = registry.encode(ContentTypeMultiRemoteAttachment, value);
    expect(encoded.parameters).toEqual({});
    expect(toHex(encodeEncodedContent(encoded))).toBe(toHex(golden));
    const decoded = registry.decode(decodeEncodedContent(golden));
    expect(decoded).toMatchObject({
      contentType: "xmtp.org/multiRemoteStaticAttachment:1.0",
      known: true,
      fallback: FALLBACK,
    });
    expect(decoded.content).toEqual(value);
    expect(registry.shouldPush(ContentTypeMultiRemoteAttachment, value)).toBe(true);
  });

  it("carries files encrypted like one remote attachment: each decrypts on its own", async () => {
    const files = [utf8("first file"), utf8("second, longer file ".repeat(20))];
    const attachments = [];
    for (const [i, data] of files.entries()) {
      const enc = await encryptAttachment({ filename: `f${i}.txt`, mimeType: "text/plain", data });
      attachments.push({
        enc,
        remote: remoteAttachmentFor(enc, `https://x.example/${i}`, `f${i}.txt`),
      });
    }
    const wire = encodeEncodedContent(
      registry.encode(ContentTypeMultiRemoteAttachment, {
        attachments: attachments.map((a) => a.remote),
      }),
    );
    const back = registry.decode(decodeEncodedContent(wire)).content as MultiRemoteAttachment;
    for (const [i, a] of attachments.entries()) {
      const file = await decryptRemoteAttachment(back.attachments[i]!, a.enc.payload);
      expect(file).toEqual({ filename: `f${i}.txt`, mimeType: "text/plain", data: files[i] });
    }
    // One file's key does not open another's payload.
    await expect(
      decryptRemoteAttachment(back.attachments[0]!, attachments[1]!.enc.payload),
    ).rejects.toBeInstanceOf(ContentError);
    await expect(
      decryptRemoteAttachment(
        { ...back.attachments[0]!, contentLength: undefined },
        attachments[1]!.enc.payload,
      ),
    ).rejects.toMatchObject({ code: "digest_mismatch" });
  });

  const refusal = (bytes: Uint8Array): ContentError => {
    try {
      registry.decode(decodeEncodedContent(bytes));
    } catch (e) {
      return e as ContentError;
    }
    throw new Error("decoded without complaint");
  };
  const withItems = (...items: Uint8Array[]) =>
    concatBytes(typeId, ld(4, concatBytes(...items.map((b) => ld(1, b)))));

  it.each([
    [
      "a short secret",
      concatBytes(str(1, "a".repeat(64)), ld(2, fill(31, 1))),
      /attachments\[1\]: secret must be 32 bytes/,
    ],
    [
      "a digest that is not SHA-256 hex",
      concatBytes(
        str(1, "sha256:123"),
        ld(2, fill(32, 1)),
        ld(3, fill(12, 1)),
        ld(4, fill(32, 1)),
        str(6, "https://a.example/"),
      ),
      /attachments\[1\]: contentDigest must be 64 hex digits/,
    ],
    [
      "a missing url",
      concatBytes(
        str(1, "a".repeat(64)),
        ld(2, fill(32, 1)),
        ld(3, fill(12, 1)),
        ld(4, fill(32, 1)),
      ),
      /attachments\[1\]: url must not be empty/,
    ],
    [
      "a url that is not one",
      concatBytes(
        str(1, "a".repeat(64)),
        ld(2, fill(32, 1)),
        ld(3, fill(12, 1)),
        ld(4, fill(32, 1)),
        str(6, "not a url"),
      ),
      /attachments\[1\]: url "not a url" is not a URL/,
    ],
    [
      "a short nonce",
      concatBytes(
        str(1, "a".repeat(64)),
        ld(2, fill(32, 1)),
        ld(3, fill(8, 1)),
        ld(4, fill(32, 1)),
      ),
      /attachments\[1\]: nonce must be 12 bytes/,
    ],
  ])("refuses an item with %s, naming the item and the field", (_, bad, message) => {
    const err = refusal(withItems(itemBytes(1), bad));
    expect(err).toBeInstanceOf(ContentError);
    expect(err.code).toBe("malformed_content");
    expect(err.message).toMatch(message);
  });

  it("refuses no files at all, and bytes that are not the protobuf", () => {
    expect(refusal(typeId).message).toMatch(/attachments must hold at least one file/);
    expect(refusal(concatBytes(typeId, ld(4, Uint8Array.of(0xff, 0xfe)))).message).toMatch(
      /not a MultiRemoteAttachment protobuf/,
    );
  });

  it("refuses to send what it could not read back, or over plain http elsewhere", () => {
    const send = (attachments: unknown) => () =>
      registry.encode(ContentTypeMultiRemoteAttachment, { attachments });
    expect(send([])).toThrow(/at least one file/);
    expect(send([item(1), { ...item(2), salt: fill(3, 0) }])).toThrow(/attachments\[1\]: salt/);
    expect(send([item(1, { contentLength: 2 ** 32 })])).toThrow(/uint32/);
    expect(send([item(1, { url: "http://files.example/1" })])).toThrow(/must be https/);
  });
});
