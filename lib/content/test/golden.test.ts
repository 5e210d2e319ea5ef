import { describe, expect, it } from "vitest";
import { fromBase64, fromHex, toHex } from "../../crypto";
import {
  Compression,
  decodeEncodedContent,
  decodePlaintextEnvelope,
  decompressContent,
  defaultRegistry,
  encodeEncodedContent,
  encodePlaintextEnvelope,
  messageId,
  textCodec,
} from "..";
import golden from "./fixtures/golden.json";

describe("golden EncodedContent bytes", () => {
  for (const fx of golden.encodedContent) {
    it(`${fx.name}: decodes to its text and re-encodes identically`, async () => {
      const bytes = fromBase64(fx.base64);
      expect(toHex(bytes)).toBe(fx.hex);
      const wire = decodeEncodedContent(bytes);
      expect(wire.type).toEqual({
        authorityId: "xmtp.org",
        typeId: "text",
        versionMajor: 1,
        versionMinor: 0,
      });
      expect(toHex(encodeEncodedContent(wire))).toBe(fx.hex);
      const decoded = await defaultRegistry().decodeBytes(bytes);
      expect(decoded).toEqual({ contentType: "xmtp.org/text:1.0", content: fx.text, known: true });
    });
  }

  it("the text codec produces exactly the golden bytes for uncompressed fixtures", () => {
    for (const fx of golden.encodedContent) {
      if ("compression" in fx || fx.name === "text_no_params_libxmtp") continue;
      expect(toHex(encodeEncodedContent(textCodec.encode(fx.text))), fx.name).toBe(fx.hex);
    }
  });

  it("the gzip fixture keeps its compression on the wire and inflates on the async step", async () => {
    const fx = golden.encodedContent.find((f) => f.name === "text_gzip")!;
    const wire = decodeEncodedContent(fromBase64(fx.base64));
    expect(wire.compression).toBe(Compression.GZIP);
    const plain = await decompressContent(wire);
    expect(plain.compression).toBeUndefined();
    expect(textCodec.decode(plain)).toBe(fx.text);
  });
});

describe("golden PlaintextEnvelope", () => {
  const fx = golden.plaintextEnvelope;

  it("encodes V1 byte for byte and decodes back", () => {
    const content = fromBase64(fx.contentBase64);
    expect(toHex(encodePlaintextEnvelope(content, fx.idempotencyKey))).toBe(fx.hex);
    const env = decodePlaintextEnvelope(fromBase64(fx.base64));
    expect(env).toEqual({
      kind: "content",
      version: 1,
      content,
      idempotencyKey: fx.idempotencyKey,
    });
  });

  it("message ID matches sha256(group ‖ \\t ‖ key ‖ \\t ‖ content)", () => {
    const id = messageId(
      fromHex(fx.messageId.groupIdHex),
      fx.idempotencyKey,
      fromBase64(fx.contentBase64),
    );
    expect(id).toBe(fx.messageId.expectedHex);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
  });
});
