// What of a stored message is searchable: the words of text, markdown and replies; an edit
// replaces its target's words; a delete removes them. Everything else (files, reactions,
// receipts, group updates) has no words to find.
import type { DecodedMessage } from "../types";
import type { DeleteMessageContent, EditMessageContent, Reply } from "../../content";
import { DELETE_MESSAGE, EDIT_MESSAGE } from "../messages/content-rules";

export type Searchable =
  | { kind: "words"; text: string }
  | { kind: "edit"; targetId: string; text: string }
  | { kind: "delete"; targetId: string }
  | { kind: "none" };

const WORDS = /^xmtp\.org\/(text|markdown):/;
const REPLY = /^xmtp\.org\/reply:/;

export function searchableOf(m: DecodedMessage): Searchable {
  if (m.deleted || m.content === undefined) return { kind: "none" };
  if (WORDS.test(m.contentType) && typeof m.content === "string")
    return { kind: "words", text: m.content };
  if (REPLY.test(m.contentType)) {
    const reply = m.content as Reply;
    return typeof reply.content === "string"
      ? { kind: "words", text: reply.content }
      : { kind: "none" };
  }
  if (m.contentType === EDIT_MESSAGE) {
    const edit = m.content as EditMessageContent;
    return typeof edit.content === "string"
      ? { kind: "edit", targetId: edit.messageId, text: edit.content }
      : { kind: "none" };
  }
  if (m.contentType === DELETE_MESSAGE)
    return { kind: "delete", targetId: (m.content as DeleteMessageContent).messageId };
  return { kind: "none" };
}
