import { describe, expect, it } from "vitest";
import { concatBytes, toHex, utf8 } from "../../crypto";
import {
  ContentError,
  ContentTypeDeleteMessage,
  ContentTypeEditMessage,
  ContentTypeText,
  contentTypeToString,
  decodeEncodedContent,
  defaultRegistry,
  encodeEncodedContent,
  looksLikeMarkdown,
} from "..";

// Golden bytes assembled by hand from xmtp/proto's definitions (delete_message.proto,
// edit_message.proto, content.proto), independent of protobuf-es and of our codecs.
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
const typeId = (typeIdName: string, major: number) =>
  ld(1, concatBytes(str(1, "xmtp.org"), str(2, typeIdName), Uint8Array.of(0x18, major)));

const registry = defaultRegistry();
const ID = "9f2c4e1ab7d0c3e58a61f4b2d97e0c13a5b8f6e2d41c7a9035e8b6f1c2d4a7e9";

describe("xmtp.org/deleteMessage:1.0", () => {
  // EncodedContent{type, content = DeleteMessage{message_id}}: no parameters, no fallback
  // (libxmtp's DeleteMessageCodec writes neither).
  const golden = concatBytes(typeId("deleteMessage", 1), ld(4, str(1, ID)));

  it("encodes to XMTP's bytes and decodes them back", () => {
    const encoded = registry.encode(ContentTypeDeleteMessage, { messageId: ID });
    expect(toHex(encodeEncodedContent(encoded))).toBe(toHex(golden));
    const decoded = registry.decode(decodeEncodedContent(golden));
    expect(decoded).toMatchObject({
      contentType: "xmtp.org/deleteMessage:1.0",
      known: true,
      content: { messageId: ID },
    });
    expect(decoded.fallback).toBeUndefined();
    expect(registry.shouldPush(ContentTypeDeleteMessage, { messageId: ID })).toBe(false);
  });

  it("reads an uppercase hex ID as the same message", () => {
    const bytes = concatBytes(typeId("deleteMessage", 1), ld(4, str(1, ID.toUpperCase())));
    expect(registry.decode(decodeEncodedContent(bytes)).content).toEqual({ messageId: ID });
  });

  it.each([
    ["an empty id", ""],
    ["a short id", "abcd"],
    ["a 0x id", `0x${ID.slice(2)}`],
    ["non-hex", "zz".repeat(32)],
  ])("refuses %s, naming messageId", (_, bad) => {
    const bytes = concatBytes(typeId("deleteMessage", 1), ld(4, str(1, bad)));
    const err = (() => {
      try {
        registry.decode(decodeEncodedContent(bytes));
      } catch (e) {
        return e as ContentError;
      }
    })();
    expect(err).toBeInstanceOf(ContentError);
    expect(err!.code).toBe("malformed_content");
    expect(err!.message).toContain("messageId");
    expect(() => registry.encode(ContentTypeDeleteMessage, { messageId: bad })).toThrow(
      /messageId/,
    );
  });

  it("refuses bytes that are not a DeleteMessage", () => {
    const bytes = concatBytes(typeId("deleteMessage", 1), ld(4, Uint8Array.of(0xff, 0xfe, 0xfd)));
    expect(() => registry.decode(decodeEncodedContent(bytes))).toThrow(/DeleteMessage/);
  });
});

describe("xmtp.org/editMessage:1.0", () => {
  const innerText = concatBytes(
    typeId("text", 1),
    ld(2, concatBytes(str(1, "encoding"), str(2, "UTF-8"))),
    str(4, "new words"),
  );
  // EncodedContent{type, fallback, content = EditMessage{message_id, edited_content}}.
  const golden = concatBytes(
    typeId("editMessage", 1),
    str(3, "Edited a message to: new words"),
    ld(4, concatBytes(str(1, ID), ld(2, innerText))),
  );
  const value = {
    messageId: ID,
    contentType: contentTypeToString(ContentTypeText),
    content: "new words",
  };

  it("encodes to XMTP's EditMessage bytes with a fallback, and decodes them back", () => {
    const encoded = registry.encode(ContentTypeEditMessage, value);
    expect(toHex(encodeEncodedContent(encoded))).toBe(toHex(golden));
    const decoded = registry.decode(decodeEncodedContent(golden));
    expect(decoded).toMatchObject({ known: true, content: value });
    expect(decoded.fallback).toBe("Edited a message to: new words");
  });

  it("carries markdown too", () => {
    const md = { ...value, contentType: "xmtp.org/markdown:1.0", content: "**new**" };
    const wire = encodeEncodedContent(registry.encode(ContentTypeEditMessage, md));
    expect(registry.decode(decodeEncodedContent(wire)).content).toEqual(md);
  });

  it("refuses an edit into anything but text or markdown, naming the type", () => {
    expect(() =>
      registry.encode(ContentTypeEditMessage, {
        messageId: ID,
        contentType: "xmtp.org/deleteMessage:1.0",
        content: { messageId: ID },
      }),
    ).toThrow(/must be text or markdown, got xmtp.org\/deleteMessage:1.0/);
    const nested = concatBytes(
      typeId("editMessage", 1),
      ld(
        4,
        concatBytes(str(1, ID), ld(2, concatBytes(typeId("deleteMessage", 1), ld(4, str(1, ID))))),
      ),
    );
    expect(() => registry.decode(decodeEncodedContent(nested))).toThrow(/text or markdown/);
  });

  it("refuses an edit without new content or with a bad id", () => {
    const noContent = concatBytes(typeId("editMessage", 1), ld(4, str(1, ID)));
    expect(() => registry.decode(decodeEncodedContent(noContent))).toThrow(
      /edited_content is missing/,
    );
    const badId = concatBytes(
      typeId("editMessage", 1),
      ld(4, concatBytes(str(1, "x"), ld(2, innerText))),
    );
    expect(() => registry.decode(decodeEncodedContent(badId))).toThrow(/messageId/);
  });
});

describe("looksLikeMarkdown", () => {
  it.each([
    "this is **bold**",
    "__bold__ start",
    "I *really* mean it",
    "an _italic_ word",
    "*a*",
    "run `npm test` first",
    "```\ncode\n```",
    "see [the docs](https://example.com/docs)",
    "shopping:\n- milk\n- eggs",
    "steps:\n1. open\n2. close",
    "* one\n* two",
  ])("markdown: %j", (text) => expect(looksLikeMarkdown(text)).toBe(true));

  it.each([
    "hello there",
    "2*3*4 = 24",
    "5 * 3 * 2",
    "a lone _ here",
    "snake_case_name and __init__py",
    "mail john_doe_smith@example.com",
    "**",
    "** not bold **",
    "price* and *conditions",
    "- just one dash line",
    "1. only one numbered line",
    "see https://example.com/a_b_c",
    "a ` lone tick",
    "[not a link] (nope)",
    "",
  ])("plain: %j", (text) => expect(looksLikeMarkdown(text)).toBe(false));
});
