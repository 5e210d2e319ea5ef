// xmtp.org/deleteMessage:1.0 (libxmtp DeleteMessageCodec, xmtp/proto delete_message.proto):
// DeleteMessage{string message_id = 1}, the hex ID of the message deleted for everyone.
// No parameters and no fallback, never pushed, as libxmtp encodes it. Who may delete is
// checked by every receiver (lib/client/messages/content-rules.ts), not here.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { DeleteMessageSchema } from "../proto/mls/message_contents/content_types/delete_message_pb";
import type { ContentCodec } from "./codec";
import type { ContentTypeId } from "./content-type";
import { checkString, hexBytes, malformed } from "./params";

export const ContentTypeDeleteMessage: ContentTypeId = Object.freeze({
  authorityId: "xmtp.org",
  typeId: "deleteMessage",
  versionMajor: 1,
  versionMinor: 0,
});

export interface DeleteMessageContent {
  /** Lowercase hex ID of the message deleted. */
  messageId: string;
}

const WHERE = "deleteMessage:1.0";
const MESSAGE_ID_BYTES = 32; // sha256 (message-id.ts)

/** A message ID as both libxmtp and we write it: 32 bytes of hex, no 0x; lowercased. */
export function checkMessageId(value: unknown, where: string): string {
  const id = checkString(value, "messageId", where, true);
  hexBytes(id, "messageId", where, MESSAGE_ID_BYTES);
  return id.toLowerCase();
}

export const deleteMessageCodec: ContentCodec<DeleteMessageContent> = {
  contentType: ContentTypeDeleteMessage,
  encode(content) {
    const messageId = checkMessageId(content?.messageId, WHERE);
    return {
      type: { ...ContentTypeDeleteMessage },
      parameters: {},
      content: toBinary(DeleteMessageSchema, create(DeleteMessageSchema, { messageId })),
    };
  },
  decode(encoded) {
    let m;
    try {
      m = fromBinary(DeleteMessageSchema, encoded.content);
    } catch (cause) {
      throw malformed(`${WHERE}: content is not a DeleteMessage protobuf`, cause);
    }
    return { messageId: checkMessageId(m.messageId, WHERE) };
  },
  fallback: () => undefined,
  shouldPush: () => false,
};
