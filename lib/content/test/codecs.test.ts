import { describe, expect, it } from "vitest";
import { create, toBinary } from "@bufbuild/protobuf";
import { toHex, utf8 } from "../../crypto";
import { ReactionV2Schema } from "../../proto/mls/message_contents/content_types/reaction_pb";
import {
  Compression,
  ContentTypeAttachment,
  ContentTypeMarkdown,
  ContentTypeReaction,
  ContentTypeReactionV2,
  ContentTypeReadReceipt,
  ContentTypeRemoteAttachment,
  ContentTypeReply,
  ContentTypeText,
  REACTION_SEND_CONTENT_TYPE,
  contentTypeToString,
  decodeEncodedContent,
  encodeEncodedContent,
  reactionCodec,
  reactionV2Codec,
  replyCodec,
  shouldPushFor,
  type Reaction,
  type Reply,
} from "..";
import { errorOf, registry, viaWire, wire } from "./wire";

const REF = "9f2c4e1ab7d0c3e58a61f4b2d97e0c13a5b8f6e2d41c7a9035e8b6f1c2d4a7e9";
const INBOX = "4b1e0f7a9c2d3e8f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f";

describe("reaction:1.0 and reaction:2.0", () => {
  const reactions: Reaction[] = [];
  for (const action of ["added", "removed"] as const) {
    for (const schema of ["unicode", "shortcode", "custom"] as const) {
      reactions.push({ reference: REF, action, schema, content: "👍🏽" });
      reactions.push({ reference: REF, referenceInboxId: INBOX, action, schema, content: ":+1:" });
    }
  }

  it.each(reactions)("round-trips %j through both versions to the same value", async (r) => {
    const v1 = await viaWire(ContentTypeReaction, r);
    const v2 = await viaWire(ContentTypeReactionV2, r);
    expect(v1).toMatchObject({ contentType: "xmtp.org/reaction:1.0", content: r, known: true });
    expect(v2).toMatchObject({ contentType: "xmtp.org/reaction:2.0", content: r, known: true });
  });

  it("we send reaction:2.0", () => {
    expect(REACTION_SEND_CONTENT_TYPE).toEqual(ContentTypeReactionV2);
    expect(contentTypeToString(REACTION_SEND_CONTENT_TYPE)).toBe("xmtp.org/reaction:2.0");
  });

  it("writes reaction:1.0 JSON in xmtp-js key order and omits an absent referenceInboxId", () => {
    const text = (r: Reaction) => new TextDecoder().decode(reactionCodec.encode(r).content);
    expect(text({ reference: "m1", action: "added", schema: "unicode", content: "x" })).toBe(
      '{"action":"added","reference":"m1","schema":"unicode","content":"x"}',
    );
    expect(
      text({
        reference: "m1",
        referenceInboxId: "i",
        action: "removed",
        schema: "custom",
        content: 'a"b',
      }),
    ).toBe(
      '{"action":"removed","reference":"m1","referenceInboxId":"i","schema":"custom","content":"a\\"b"}',
    );
  });

  it("has libxmtp's fallbacks and never pushes", async () => {
    const added: Reaction = { reference: REF, action: "added", schema: "unicode", content: "👍" };
    const removed: Reaction = { ...added, action: "removed" };
    expect((await viaWire(ContentTypeReactionV2, added)).fallback).toBe(
      'Reacted with "👍" to an earlier message',
    );
    expect((await viaWire(ContentTypeReaction, removed)).fallback).toBe(
      'Removed "👍" from an earlier message',
    );
    expect(shouldPushFor(ContentTypeReactionV2, added)).toBe(false);
    expect(shouldPushFor("xmtp.org/reaction:1.0", added)).toBe(false);
  });

  const v1Bad: [string, string | Uint8Array, RegExp][] = [
    ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0x7d]), /not valid UTF-8/],
    ["not JSON", "{action:", /not JSON/],
    ["a JSON array", "[]", /JSON object/],
    ["JSON null", "null", /JSON object/],
    [
      "a missing reference",
      '{"action":"added","schema":"unicode","content":"x"}',
      /reference must be a string, got undefined/,
    ],
    [
      "an empty reference",
      '{"action":"added","reference":"","schema":"unicode","content":"x"}',
      /reference must not be empty/,
    ],
    [
      "an unknown action",
      '{"action":"liked","reference":"m","schema":"unicode","content":"x"}',
      /action must be "added" or "removed", got "liked"/,
    ],
    [
      "an unknown schema",
      '{"action":"added","reference":"m","schema":"emoji","content":"x"}',
      /schema must be .* got "emoji"/,
    ],
    [
      "a numeric content",
      '{"action":"added","reference":"m","schema":"unicode","content":1}',
      /content must be a string, got number/,
    ],
    [
      "a numeric referenceInboxId",
      '{"action":"added","reference":"m","referenceInboxId":5,"schema":"unicode","content":"x"}',
      /referenceInboxId must be a string/,
    ],
  ];
  it.each(v1Bad)("reaction:1.0 refuses %s", (_, content, message) => {
    const bytes = typeof content === "string" ? utf8(content) : content;
    const err = errorOf(() => registry.decode(wire(ContentTypeReaction, {}, bytes)));
    expect(err.code).toBe("malformed_content");
    expect(err.message).toMatch(message);
  });

  const v2 = (fields: Record<string, unknown>) =>
    toBinary(
      ReactionV2Schema,
      create(ReactionV2Schema, { reference: "m", action: 1, content: "x", schema: 1, ...fields }),
    );
  const v2Bad: [string, Uint8Array, RegExp][] = [
    [
      "bytes that are not protobuf",
      new Uint8Array([0x0a, 0xff, 0xff, 0xff]),
      /not a ReactionV2 protobuf/,
    ],
    ["action UNSPECIFIED", v2({ action: 0 }), /action must be ADDED \(1\) or REMOVED \(2\), got 0/],
    ["an unknown action", v2({ action: 7 }), /action must be .* got 7/],
    ["schema UNSPECIFIED", v2({ schema: 0 }), /schema must be .* got 0/],
    ["an unknown schema", v2({ schema: 9 }), /schema must be .* got 9/],
    ["an empty reference", v2({ reference: "" }), /reference must not be empty/],
    ["an empty content", v2({ content: "" }), /content must not be empty/],
  ];
  it.each(v2Bad)("reaction:2.0 refuses %s", (_, content, message) => {
    const err = errorOf(() => registry.decode(wire(ContentTypeReactionV2, {}, content)));
    expect(err.code).toBe("malformed_content");
    expect(err.message).toMatch(message);
  });

  it("refuses to encode an invalid reaction in either version", () => {
    const bad = {
      reference: REF,
      action: "liked",
      schema: "unicode",
      content: "x",
    } as unknown as Reaction;
    for (const codec of [reactionCodec, reactionV2Codec]) {
      expect(errorOf(() => codec.encode(bad)).message).toMatch(/got "liked"/);
    }
  });
});

describe("reply:1.0", () => {
  it.each<[string, Reply]>([
    ["text", { reference: REF, contentType: "xmtp.org/text:1.0", content: "sure 👌" }],
    [
      "markdown + inbox",
      {
        reference: REF,
        referenceInboxId: INBOX,
        contentType: "xmtp.org/markdown:1.0",
        content: "**ok**",
      },
    ],
    [
      "attachment",
      {
        reference: REF,
        contentType: "xmtp.org/attachment:1.0",
        content: {
          filename: "a.bin",
          mimeType: "application/octet-stream",
          data: new Uint8Array([0, 1, 255]),
        },
      },
    ],
    [
      "reaction",
      {
        reference: REF,
        contentType: "xmtp.org/reaction:2.0",
        content: { reference: REF, action: "added", schema: "unicode", content: "🔥" },
      },
    ],
  ])("round-trips a %s reply, inner content decoded by its codec", async (_, reply) => {
    const decoded = await viaWire(ContentTypeReply, reply);
    expect(decoded).toMatchObject({
      contentType: "xmtp.org/reply:1.0",
      content: reply,
      known: true,
    });
  });

  it("writes params contentType, reference, referenceInboxId and the inner EncodedContent", () => {
    const e = registry.encode(ContentTypeReply, {
      reference: REF,
      referenceInboxId: INBOX,
      contentType: "xmtp.org/text:1.0",
      content: "hi",
    });
    expect(Object.keys(e.parameters)).toEqual(["contentType", "reference", "referenceInboxId"]);
    expect(e.parameters.contentType).toBe("xmtp.org/text:1.0");
    const inner = decodeEncodedContent(e.content);
    expect(inner).toEqual({
      type: ContentTypeText,
      parameters: { encoding: "UTF-8" },
      content: utf8("hi"),
    });
  });

  it("has libxmtp's fallbacks (text quoted, anything else generic) and pushes", () => {
    const text: Reply = { reference: REF, contentType: "xmtp.org/text:1.0", content: "hi" };
    const md: Reply = { reference: REF, contentType: "xmtp.org/markdown:1.0", content: "hi" };
    expect(registry.encode(ContentTypeReply, text).fallback).toBe(
      'Replied with "hi" to an earlier message',
    );
    expect(registry.encode(ContentTypeReply, md).fallback).toBe("Replied to an earlier message");
    expect(shouldPushFor(ContentTypeReply, text)).toBe(true);
  });

  it("needs a registry for its inner content", () => {
    const r: Reply = { reference: REF, contentType: "xmtp.org/text:1.0", content: "hi" };
    expect(errorOf(() => replyCodec.encode(r)).message).toMatch(/needs a codec registry/);
    const e = registry.encode(ContentTypeReply, r);
    expect(errorOf(() => replyCodec.decode(e)).message).toMatch(/needs a codec registry/);
  });

  const textInner = encodeEncodedContent(wire(ContentTypeText, { encoding: "UTF-8" }, utf8("hi")));
  const params = { contentType: "xmtp.org/text:1.0", reference: REF };
  const bad: [string, Record<string, string>, Uint8Array, string, RegExp][] = [
    [
      "a missing reference",
      { contentType: "xmtp.org/text:1.0" },
      textInner,
      "malformed_content",
      /parameter "reference" is missing/,
    ],
    [
      "an empty reference",
      { ...params, reference: "" },
      textInner,
      "malformed_content",
      /parameter "reference" is empty/,
    ],
    [
      "content that is not an EncodedContent",
      params,
      new Uint8Array([0x0a, 0xff, 0x01]),
      "malformed_content",
      /inner content/,
    ],
    [
      "a contentType param that disagrees",
      { ...params, contentType: "xmtp.org/markdown:1.0" },
      textInner,
      "malformed_content",
      /"xmtp.org\/markdown:1.0" does not match the inner content type xmtp.org\/text:1.0/,
    ],
    [
      "compressed inner content",
      params,
      encodeEncodedContent({
        ...wire(ContentTypeText, {}, utf8("x")),
        compression: Compression.GZIP,
      }),
      "malformed_content",
      /compressed inner content/,
    ],
    [
      "a reply nested in a reply",
      { reference: REF },
      encodeEncodedContent(wire(ContentTypeReply, { reference: REF }, textInner)),
      "malformed_content",
      /cannot contain another reply/,
    ],
    [
      "inner text that is not UTF-8",
      params,
      encodeEncodedContent(wire(ContentTypeText, {}, new Uint8Array([0xc3]))),
      "malformed_content",
      /not valid UTF-8/,
    ],
    [
      "an inner type without codec",
      { reference: REF },
      encodeEncodedContent(
        wire(
          { authorityId: "example.com", typeId: "poll", versionMajor: 1, versionMinor: 0 },
          {},
          utf8("?"),
        ),
      ),
      "unknown_content_type",
      /example.com\/poll:1.0/,
    ],
  ];
  it.each(bad)("refuses %s", (_, parameters, content, code, message) => {
    const err = errorOf(() => registry.decode(wire(ContentTypeReply, parameters, content)));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it("refuses to encode an inner type it has no codec for", () => {
    const r: Reply = { reference: REF, contentType: "example.com/poll:1.0", content: {} };
    expect(errorOf(() => registry.encode(ContentTypeReply, r)).code).toBe("unknown_content_type");
  });
});

describe("readReceipt:1.0", () => {
  it("is empty, has no fallback and does not push", async () => {
    const e = registry.encode(ContentTypeReadReceipt, {});
    expect(e).toEqual({ type: ContentTypeReadReceipt, parameters: {}, content: new Uint8Array(0) });
    expect(await viaWire(ContentTypeReadReceipt, {})).toEqual({
      contentType: "xmtp.org/readReceipt:1.0",
      content: {},
      known: true,
    });
    expect(shouldPushFor(ContentTypeReadReceipt, {})).toBe(false);
  });

  it("refuses content", () => {
    const err = errorOf(() => registry.decode(wire(ContentTypeReadReceipt, {}, utf8("x"))));
    expect(err.message).toMatch(/content must be empty, got 1 bytes/);
  });
});

describe("registry and EncodedContent details", () => {
  it("registers every xmtp.org codec", () => {
    for (const t of [
      ContentTypeText,
      ContentTypeMarkdown,
      ContentTypeReaction,
      ContentTypeReactionV2,
      ContentTypeReply,
      ContentTypeReadReceipt,
      ContentTypeAttachment,
      ContentTypeRemoteAttachment,
    ]) {
      expect(registry.codecFor(t)?.contentType, contentTypeToString(t)).toEqual(t);
    }
  });

  it("pushes for types it has no codec for, as libxmtp does", () => {
    expect(shouldPushFor("example.com/poll:1.0", {})).toBe(true);
    expect(shouldPushFor(ContentTypeText, "hi")).toBe(true);
  });

  it("writes a parameter with an empty value without its value field, as prost and protobufjs do", () => {
    const bytes = encodeEncodedContent(
      wire(ContentTypeAttachment, { filename: "", mimeType: "a/b" }, new Uint8Array(0)),
    );
    // 12 0a { 0a 08 "filename" } then the mimeType entry: no `12 00` for the empty value.
    expect(toHex(bytes)).toContain("120a0a0866696c656e616d65" + "120f0a086d696d6554797065");
    expect(decodeEncodedContent(bytes).parameters).toEqual({ filename: "", mimeType: "a/b" });
  });
});
