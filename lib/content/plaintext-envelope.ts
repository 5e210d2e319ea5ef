// PlaintextEnvelope: the MLS application-message plaintext (compat: xmtp/proto content.proto).

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  PlaintextEnvelopeSchema,
  PlaintextEnvelope_V1Schema,
} from "../proto/mls/message_contents/content_pb";
import { ContentError } from "./errors";

export type DecodedPlaintextEnvelope =
  | { kind: "content"; version: 1 | 2; content: Uint8Array; idempotencyKey: string }
  | { kind: "history_request"; idempotencyKey: string; requestId: string; pinCode: string }
  | {
      kind: "history_response";
      idempotencyKey: string;
      requestId: string;
      backupUrl: string;
      backupFileHash: Uint8Array;
      expirationTimeNs: bigint;
    };

/** Always V1, as libxmtp sends application messages. `content` = EncodedContent bytes. */
export function encodePlaintextEnvelope(content: Uint8Array, idempotencyKey: string): Uint8Array {
  if (!idempotencyKey) {
    throw new ContentError(
      "malformed_content",
      "PlaintextEnvelope.idempotency_key must not be empty",
    );
  }
  return toBinary(
    PlaintextEnvelopeSchema,
    create(PlaintextEnvelopeSchema, {
      content: {
        case: "v1",
        value: create(PlaintextEnvelope_V1Schema, { content, idempotencyKey }),
      },
    }),
  );
}

export function decodePlaintextEnvelope(bytes: Uint8Array): DecodedPlaintextEnvelope {
  let env;
  try {
    env = fromBinary(PlaintextEnvelopeSchema, bytes);
  } catch (cause) {
    throw new ContentError(
      "malformed_content",
      `PlaintextEnvelope (${bytes.length} bytes) is not valid protobuf: ${(cause as Error).message}`,
      { cause },
    );
  }
  const c = env.content;
  if (c.case === "v1") {
    return {
      kind: "content",
      version: 1,
      content: c.value.content,
      idempotencyKey: c.value.idempotencyKey,
    };
  }
  if (c.case === "v2") {
    const key = c.value.idempotencyKey;
    const m = c.value.messageType;
    if (m.case === "content")
      return { kind: "content", version: 2, content: m.value, idempotencyKey: key };
    if (m.case === "messageHistoryRequest") {
      return {
        kind: "history_request",
        idempotencyKey: key,
        requestId: m.value.requestId,
        pinCode: m.value.pinCode,
      };
    }
    if (m.case === "messageHistoryResponse") {
      return {
        kind: "history_response",
        idempotencyKey: key,
        requestId: m.value.requestId,
        backupUrl: m.value.backupUrl,
        backupFileHash: m.value.backupFileHash,
        expirationTimeNs: m.value.expirationTimeNs,
      };
    }
    throw new ContentError("malformed_content", "PlaintextEnvelope.v2 has no message_type set");
  }
  throw new ContentError("malformed_content", "PlaintextEnvelope has neither v1 nor v2 set");
}
