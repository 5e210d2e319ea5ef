import { describe, expect, it } from "vitest";
import { create, toBinary } from "@bufbuild/protobuf";
import { toHex, utf8 } from "../../crypto";
import { ReactionV2Schema } from "../../proto/mls/message_contents/content_types/reaction_pb";
import {
  Compression,
  ContentError,
  ContentTypeAttachment,
  ContentTypeMarkdown,
  ContentTypeReaction,
  ContentTypeReactionV2,
  ContentTypeReadReceipt,
  ContentTypeRemoteAttachment,
  ContentTypeReply,
  ContentTypeText,
  INLINE_ATTACHMENT_MAX_BYTES,
  REACTION_SEND_CONTENT_TYPE,
  attachmentCodec,
  attachmentFitsInline,
  contentTypeToString,
  decodeEncodedContent,
  defaultRegistry,
  encodeEncodedContent,
  reactionCodec,
  reactionV2Codec,
  remoteAttachmentCodec,
  replyCodec,
  shouldPushFor,
  type Attachment,
  type ContentTypeId,
  type EncodedContent,
  type Reaction,
  type RemoteAttachment,
  type Reply,
} from "..";

const registry = defaultRegistry();
const REF = "9f2c4e1ab7d0c3e58a61f4b2d97e0c13a5b8f6e2d41c7a9035e8b6f1c2d4a7e9";
const INBOX = "4b1e0f7a9c2d3e8f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f";

/** Encode through the registry, serialise, parse and decode again: what a peer sees. */
async function viaWire(type: ContentTypeId, value: unknown) {
  const bytes = encodeEncodedContent(registry.encode(type, value));
  return registry.decodeBytes(bytes);
}

function errorOf(fn: () => unknown): ContentError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ContentError);
    return e as ContentError;
  }
  throw new Error("expected a ContentError, nothing was thrown");
}

function wire(type: ContentTypeId, parameters: Record<string, string>, content: Uint8Array) {
  return { type: { ...type }, parameters, content } satisfies EncodedContent;
}

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
