import { describe, expect, it } from "vitest";
import { create, toBinary } from "@bufbuild/protobuf";
import { concatBytes, fromHex, sha256, toHex, utf8 } from "../../crypto";
import {
  PlaintextEnvelopeSchema,
  PlaintextEnvelope_V2Schema,
} from "../../proto/mls/message_contents/content_pb";
import {
  CodecRegistry,
  Compression,
  ContentError,
  ContentTypeMarkdown,
  ContentTypeText,
  compressContent,
  contentTypeToString,
  decodeEncodedContent,
  decodePlaintextEnvelope,
  decompressContent,
  defaultRegistry,
  encodeEncodedContent,
  encodePlaintextEnvelope,
  messageId,
  parseContentType,
  textCodec,
  type ContentCodec,
  type EncodedContent,
} from "..";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ContentError);
    expect((e as ContentError).retryable).toBe(false);
    return (e as ContentError).code;
  }
  return undefined;
}

async function codeOfAsync(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ContentError);
    return (e as ContentError).code;
  }
  return undefined;
}

describe("content type strings", () => {
  it("round-trips authority/type:major.minor", () => {
    expect(contentTypeToString(ContentTypeText)).toBe("xmtp.org/text:1.0");
    expect(parseContentType("xmtp.org/reaction:2.0")).toEqual({
      authorityId: "xmtp.org",
      typeId: "reaction",
      versionMajor: 2,
      versionMinor: 0,
    });
  });

  it.each([
    "",
    "xmtp.org/text",
    "text:1.0",
    "xmtp.org/text:1",
    "a/b:1.x",
    "a/b/c:1.0",
    "a/b:1.0 ",
    "a/b:99999999999.0",
  ])("rejects %j naming the input", (s) => {
    expect(codeOf(() => parseContentType(s))).toBe("invalid_content_type");
    expect(() => parseContentType(s)).toThrow(JSON.stringify(s));
  });
});

describe("text codec", () => {
  it("encodes UTF-8 with params and round-trips emoji", () => {
    const e = textCodec.encode("héllo 👋");
    expect(e.parameters).toEqual({ encoding: "UTF-8" });
    expect(textCodec.decode(decodeEncodedContent(encodeEncodedContent(e)))).toBe("héllo 👋");
    expect(textCodec.fallback("x")).toBeUndefined();
    expect(textCodec.shouldPush("x")).toBe(true);
  });

  it("refuses invalid UTF-8 instead of inserting U+FFFD", () => {
    const e: EncodedContent = {
      type: ContentTypeText,
      parameters: { encoding: "UTF-8" },
      content: new Uint8Array([0xc3, 0x28]),
    };
    expect(codeOf(() => textCodec.decode(e))).toBe("malformed_content");
    expect(codeOf(() => defaultRegistry().decode(e))).toBe("malformed_content");
  });

  it("refuses an unknown encoding parameter", () => {
    const e: EncodedContent = {
      type: ContentTypeText,
      parameters: { encoding: "UTF-16" },
      content: new Uint8Array(),
    };
    expect(() => textCodec.decode(e)).toThrow('unsupported encoding "UTF-16"');
  });
});

describe("registry", () => {
  it("decodes known types and markdown", () => {
    const reg = defaultRegistry();
    const md = reg.encode(ContentTypeMarkdown, "**hi**");
    expect(reg.decode(md)).toEqual({
      contentType: "xmtp.org/markdown:1.0",
      content: "**hi**",
      known: true,
    });
    expect(reg.decode(reg.encode("xmtp.org/text:1.0", "yo")).content).toBe("yo");
  });

  it("matches a newer minor version with the same codec, not a newer major", () => {
    const reg = defaultRegistry();
    expect(reg.codecFor("xmtp.org/text:1.7")).toBe(textCodec);
    expect(reg.codecFor("xmtp.org/text:2.0")).toBeUndefined();
  });

  it("unknown types decode to their fallback text, not an error", () => {
    const e: EncodedContent = {
      type: { authorityId: "example.com", typeId: "poll", versionMajor: 1, versionMinor: 0 },
      parameters: {},
      fallback: "Poll: lunch?",
      content: new Uint8Array([1, 2, 3]),
    };
    expect(defaultRegistry().decode(decodeEncodedContent(encodeEncodedContent(e)))).toEqual({
      contentType: "example.com/poll:1.0",
      content: "Poll: lunch?",
      fallback: "Poll: lunch?",
      known: false,
    });
  });

  it("fills fallback from the codec and refuses to encode an unknown type", () => {
    const poll: ContentCodec<string> = {
      contentType: { authorityId: "example.com", typeId: "poll", versionMajor: 1, versionMinor: 0 },
      encode: (q) => ({
        type: { authorityId: "example.com", typeId: "poll", versionMajor: 1, versionMinor: 0 },
        parameters: {},
        content: utf8(q),
      }),
      decode: () => {
        throw new Error("bad poll");
      },
      fallback: (q) => `Poll: ${q}`,
      shouldPush: () => false,
    };
    const reg = new CodecRegistry().register(poll);
    const e = reg.encode(poll.contentType, "lunch?");
    expect(e.fallback).toBe("Poll: lunch?");
    expect(() => reg.decode(e)).toThrow("example.com/poll:1.0: bad poll");
    expect(codeOf(() => defaultRegistry().encode(poll.contentType, "x"))).toBe(
      "unknown_content_type",
    );
  });

  it("sync decode refuses compressed content; decodeBytes inflates it", async () => {
    const reg = defaultRegistry();
    const gz = await compressContent(textCodec.encode("zip ".repeat(100)), Compression.GZIP);
    expect(codeOf(() => reg.decode(gz))).toBe("malformed_content");
    expect((await reg.decodeBytes(encodeEncodedContent(gz))).content).toBe("zip ".repeat(100));
  });
});

describe("EncodedContent wire", () => {
  it("rejects bytes that are not protobuf", () => {
    expect(codeOf(() => decodeEncodedContent(new Uint8Array([0x0a, 0xff])))).toBe(
      "malformed_content",
    );
    expect(codeOf(() => decodeEncodedContent(new Uint8Array([0xff, 0xff, 0xff])))).toBe(
      "malformed_content",
    );
  });

  it("rejects content without a type or with an empty authority", () => {
    expect(codeOf(() => decodeEncodedContent(fromHex("22026869")))).toBe("invalid_content_type");
    expect(codeOf(() => decodeEncodedContent(fromHex("0a06120474657874")))).toBe(
      "invalid_content_type",
    );
  });

  it("keeps an explicit empty fallback and an explicit DEFLATE(0) compression", async () => {
    const e = await compressContent(
      { ...textCodec.encode("deflate me"), fallback: "" },
      Compression.DEFLATE,
    );
    const back = decodeEncodedContent(encodeEncodedContent(e));
    expect(back.fallback).toBe("");
    expect(back.compression).toBe(Compression.DEFLATE);
    expect(toHex(back.content.slice(0, 1))).toBe("78"); // zlib header, as XMTP's DEFLATE
    expect(textCodec.decode(await decompressContent(back))).toBe("deflate me");
  });
});

describe("decompression", () => {
  it("fails with decompression_failed on a corrupt stream", async () => {
    const e: EncodedContent = {
      ...textCodec.encode("x"),
      content: new Uint8Array([1, 2, 3, 4]),
      compression: Compression.GZIP,
    };
    expect(await codeOfAsync(decompressContent(e))).toBe("decompression_failed");
  });

  it("fails with decompression_failed on an unknown algorithm", async () => {
    const e: EncodedContent = { ...textCodec.encode("x"), compression: 7 as Compression };
    expect(await codeOfAsync(decompressContent(e))).toBe("decompression_failed");
  });

  it("stops a zip bomb at the cap with too_large", async () => {
    const bomb = await compressContent(
      { type: ContentTypeText, parameters: {}, content: new Uint8Array(4 * 1024 * 1024) },
      Compression.GZIP,
    );
    expect(bomb.content.length).toBeLessThan(10_000);
    expect(await codeOfAsync(decompressContent(bomb, { maxBytes: 1024 * 1024 }))).toBe("too_large");
    expect((await decompressContent(bomb, { maxBytes: 4 * 1024 * 1024 })).content.length).toBe(
      4 * 1024 * 1024,
    );
  });
});

describe("PlaintextEnvelope", () => {
  it("round-trips V1 and refuses an empty idempotency key", () => {
    const c = encodeEncodedContent(textCodec.encode("hi"));
    expect(decodePlaintextEnvelope(encodePlaintextEnvelope(c, "123"))).toEqual({
      kind: "content",
      version: 1,
      content: c,
      idempotencyKey: "123",
    });
    expect(codeOf(() => encodePlaintextEnvelope(c, ""))).toBe("malformed_content");
  });

  it("reads V2 content and history requests as typed results", () => {
    const v2 = (
      messageType: ReturnType<typeof create<typeof PlaintextEnvelope_V2Schema>>["messageType"],
    ) =>
      toBinary(
        PlaintextEnvelopeSchema,
        create(PlaintextEnvelopeSchema, {
          content: {
            case: "v2",
            value: create(PlaintextEnvelope_V2Schema, { idempotencyKey: "k", messageType }),
          },
        }),
      );
    expect(decodePlaintextEnvelope(v2({ case: "content", value: new Uint8Array([9]) }))).toEqual({
      kind: "content",
      version: 2,
      content: new Uint8Array([9]),
      idempotencyKey: "k",
    });
    const req = decodePlaintextEnvelope(
      v2({
        case: "messageHistoryRequest",
        value: {
          $typeName: "xmtp.mls.message_contents.MessageHistoryRequest",
          requestId: "r1",
          pinCode: "1234",
        },
      }),
    );
    expect(req).toEqual({
      kind: "history_request",
      idempotencyKey: "k",
      requestId: "r1",
      pinCode: "1234",
    });
    expect(codeOf(() => decodePlaintextEnvelope(v2({ case: undefined })))).toBe(
      "malformed_content",
    );
  });

  it("rejects an empty envelope and garbage", () => {
    expect(codeOf(() => decodePlaintextEnvelope(new Uint8Array()))).toBe("malformed_content");
    expect(codeOf(() => decodePlaintextEnvelope(new Uint8Array([0x0a, 0x05, 0x01])))).toBe(
      "malformed_content",
    );
  });
});

describe("messageId", () => {
  it("hashes group ‖ tab ‖ key ‖ tab ‖ content and changes with each part", () => {
    const g = fromHex("aabb");
    const c = utf8("content");
    const expected = toHex(sha256(concatBytes(g, utf8("\t1\t"), c)));
    expect(messageId(g, "1", c)).toBe(expected);
    expect(messageId(g, "2", c)).not.toBe(expected);
    expect(messageId(fromHex("aabc"), "1", c)).not.toBe(expected);
    expect(messageId(g, "1", utf8("contenT"))).not.toBe(expected);
  });
});
