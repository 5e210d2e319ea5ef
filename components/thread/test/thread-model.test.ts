import { describe, expect, it } from "vitest";
import type { DecodedMessage } from "@/lib/client";
import { CT } from "../content-types";
import { buildThread, lastSeenId, owesReceipt } from "../thread-model";

const ME = "a".repeat(64);
const PEER = "b".repeat(64);
let t = 0n;
function msg(
  sender: string,
  contentType: string,
  content: unknown,
  id = `m${++t}`,
): DecodedMessage {
  return {
    id,
    conversationId: "c",
    senderInboxId: sender,
    sentAtNs: ++t,
    contentType,
    content,
    status: "published",
    shouldPush: contentType === CT.text,
  };
}
const react = (sender: string, reference: string, emoji: string, action = "added") =>
  msg(sender, CT.reactionV2, { reference, action, schema: "unicode", content: emoji });

describe("thread model", () => {
  it("reactions fold onto their message: counts, who, mine, and a removal cancels", () => {
    const hello = msg(PEER, CT.text, "hello");
    const model = buildThread(
      [
        hello,
        react(ME, hello.id, "👍"),
        react(PEER, hello.id, "👍"),
        react(PEER, hello.id, "❤️"),
        react(PEER, hello.id, "❤️", "removed"),
      ],
      ME,
    );
    expect(model.visible.map((m) => m.id)).toEqual([hello.id]);
    expect(model.reactions.get(hello.id)).toEqual([
      { emoji: "👍", inboxIds: [ME, PEER], mine: true },
    ]);
  });

  it("'Seen' goes under my last message once the peer's receipt is newer, never under an older one", () => {
    const mine1 = msg(ME, CT.text, "one");
    const receiptAfterOne = msg(PEER, CT.readReceipt, {});
    const mine2 = msg(ME, CT.text, "two");
    expect(lastSeenId(buildThread([mine1, receiptAfterOne], ME), ME)).toBe(mine1.id);
    // A new message of mine that the peer has not read yet: no "Seen" anywhere.
    expect(lastSeenId(buildThread([mine1, receiptAfterOne, mine2], ME), ME)).toBeUndefined();
    const later = msg(PEER, CT.readReceipt, {});
    expect(lastSeenId(buildThread([mine1, receiptAfterOne, mine2, later], ME), ME)).toBe(mine2.id);
  });

  it("a receipt is owed only for news from the others since my last one", () => {
    const theirs = msg(PEER, CT.text, "hi");
    expect(owesReceipt(buildThread([theirs], ME), ME)).toBe(true);
    const receipt = msg(ME, CT.readReceipt, {});
    expect(owesReceipt(buildThread([theirs, receipt], ME), ME)).toBe(false);
    expect(owesReceipt(buildThread([theirs, receipt, msg(ME, CT.text, "mine")], ME), ME)).toBe(
      false,
    );
    expect(owesReceipt(buildThread([theirs, receipt, msg(PEER, CT.text, "more")], ME), ME)).toBe(
      true,
    );
  });
});

describe("thread model: edits and deletes", () => {
  const edit = (sender: string, messageId: string, content: string) =>
    msg(sender, CT.editMessage, { messageId, contentType: CT.text, content });

  it("edits fold onto their message in order and are not bubbles; only the sender's count", () => {
    const m = msg(ME, CT.text, "v1");
    const model = buildThread(
      [m, edit(ME, m.id, "v2"), edit(PEER, m.id, "forged"), edit(ME, m.id, "v3")],
      ME,
    );
    expect(model.visible.map((x) => x.id)).toEqual([m.id]);
    expect(model.edits.get(m.id)?.map((e) => e.content)).toEqual(["v2", "v3"]);
  });

  it("a deleted message keeps its place, loses its edits and reactions; the delete is no bubble", () => {
    const m = { ...msg(PEER, CT.text, undefined), deleted: { atNs: 9n, byAdmin: false } };
    const other = msg(ME, CT.text, "still here");
    const model = buildThread(
      [
        m,
        edit(PEER, m.id, "late edit"),
        react(ME, m.id, "👍"),
        react(ME, other.id, "👍"),
        other,
        msg(PEER, CT.deleteMessage, { messageId: m.id }),
      ],
      ME,
    );
    expect(model.visible.map((x) => x.id)).toEqual([m.id, other.id]);
    expect(model.edits.has(m.id)).toBe(false);
    expect(model.reactions.has(m.id)).toBe(false);
    expect(model.reactions.get(other.id)?.[0]?.emoji).toBe("👍");
  });
});
