import { describe, expect, it } from "vitest";
import { fromBase64, fromHex, toHex } from "../../crypto";
import {
  ContentError,
  contentTypeToString,
  decodeEncodedContent,
  defaultRegistry,
  encodeEncodedContent,
} from "..";
import golden from "./fixtures/golden-codecs.json";

/** {"$hex": "…"} in the fixture file stands for bytes. */
function revive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revive);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.$hex === "string") return fromHex(o.$hex);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revive(x)]));
  }
  return v;
}

describe("golden xmtp.org codec bytes", () => {
  const registry = defaultRegistry();

  for (const fx of golden.encoded) {
    it(`${fx.name}: decodes to its value and re-encodes to the same bytes`, () => {
      const bytes = fromBase64(fx.base64);
      const hex = toHex(bytes);
      const wire = decodeEncodedContent(bytes);
      expect(contentTypeToString(wire.type)).toBe(fx.contentType);
      expect(toHex(encodeEncodedContent(wire))).toBe(hex);

      const value = revive(fx.value);
      const decoded = registry.decode(wire);
      expect(decoded.known).toBe(true);
      expect(decoded.content).toEqual(value);

      // Encode both the fixture's value and what we decoded: each must give the exact bytes.
      for (const v of [value, decoded.content]) {
        const encoded =
          fx.encodeWith === "codec"
            ? registry.codecFor(fx.contentType)!.encode(v, registry)
            : registry.encode(fx.contentType, v);
        expect(toHex(encodeEncodedContent(encoded))).toBe(hex);
      }
      if (fx.encodeWith === "registry") {
        expect(decoded.fallback).toBe(registry.codecFor(fx.contentType)!.fallback(value));
      }
    });
  }

  for (const fx of golden.rejected) {
    it(`${fx.name}: is refused with ${fx.code}`, () => {
      const wire = decodeEncodedContent(fromBase64(fx.base64));
      let err: unknown;
      try {
        registry.decode(wire);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ContentError);
      expect((err as ContentError).code).toBe(fx.code);
      expect((err as ContentError).message).toContain(fx.mentions);
    });
  }

  it("covers every new codec and both reaction versions", () => {
    const types = new Set(golden.encoded.map((f) => f.contentType));
    for (const t of [
      "xmtp.org/reaction:1.0",
      "xmtp.org/reaction:2.0",
      "xmtp.org/reply:1.0",
      "xmtp.org/readReceipt:1.0",
      "xmtp.org/attachment:1.0",
      "xmtp.org/remoteStaticAttachment:1.0",
    ]) {
      expect(types.has(t), t).toBe(true);
    }
  });
});
