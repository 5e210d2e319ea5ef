// Byte compatibility of the commit log with XMTP. golden.json holds bytes that buf
// encoded from XMTP's own .proto files (github.com/xmtp/proto at the commit it names:
// proto/mls/message_contents/commit_log.proto, proto/mls/api/v1/mls.proto). Here the
// same messages are assembled by hand, field by field from those files (tag = field
// << 3 | wire type), and our generated code must write exactly those bytes, read them
// back, and map them to the same proto3 JSON (what Connect JSON puts on the wire).
import {
  fromBinary,
  fromJson,
  toBinary,
  toJson,
  type DescMessage,
  type JsonValue,
} from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ed25519PublicKey, ed25519Verify } from "../../crypto";
import {
  BatchPublishCommitLogRequestSchema,
  BatchQueryCommitLogRequestSchema,
  BatchQueryCommitLogResponseSchema,
} from "../../proto/mls/api/v1/mls_pb";
import { PlaintextCommitLogEntrySchema } from "../../proto/mls/message_contents/commit_log_pb";
import golden from "./fixtures/commit-log-golden/golden.json";
import { bytesField, hex, messageField, unhex, varintField } from "./protobuf-wire";

type Json = Record<string, unknown>;
const b64 = (s: unknown) => new Uint8Array(Buffer.from(String(s ?? ""), "base64"));
const u64 = (s: unknown) => BigInt(String(s ?? "0"));
const obj = (v: unknown) => (v ?? {}) as Json;
const list = (v: unknown) => (v ?? []) as Json[];

// Enum numbers as the .proto files declare them.
const COMMIT_RESULT: Record<string, number> = {
  COMMIT_RESULT_APPLIED: 1,
  COMMIT_RESULT_WRONG_EPOCH: 2,
  COMMIT_RESULT_UNDECRYPTABLE: 3,
  COMMIT_RESULT_INVALID: 4,
};
const SORT_DIRECTION: Record<string, number> = {
  SORT_DIRECTION_ASCENDING: 1,
  SORT_DIRECTION_DESCENDING: 2,
};

// commit_log.proto: PlaintextCommitLogEntry {1 group_id bytes, 2 commit_sequence_id
// uint64, 3 last_epoch_authenticator bytes, 4 commit_result enum, 5
// applied_epoch_number uint64, 6 applied_epoch_authenticator bytes}
const plaintextEntry = (v: Json) => [
  ...bytesField(1, b64(v.groupId)),
  ...varintField(2, u64(v.commitSequenceId)),
  ...bytesField(3, b64(v.lastEpochAuthenticator)),
  ...varintField(4, COMMIT_RESULT[String(v.commitResult)] ?? 0),
  ...varintField(5, u64(v.appliedEpochNumber)),
  ...bytesField(6, b64(v.appliedEpochAuthenticator)),
];
// identity/associations/signature.proto: RecoverableEd25519Signature {1 bytes, 2 public_key}
const signature = (v: Json) => [...bytesField(1, b64(v.bytes)), ...bytesField(2, b64(v.publicKey))];
// mls.proto: PublishCommitLogRequest {1 group_id, 2 serialized_commit_log_entry, 3 signature}
const publish = (v: Json) => [
  ...bytesField(1, b64(v.groupId)),
  ...bytesField(2, b64(v.serializedCommitLogEntry)),
  ...(v.signature ? messageField(3, signature(obj(v.signature))) : []),
];
// mls.proto: PagingInfo {1 direction enum, 2 limit uint32, 3 id_cursor uint64}
const paging = (v: Json) => [
  ...varintField(1, SORT_DIRECTION[String(v.direction)] ?? 0),
  ...varintField(2, Number(v.limit ?? 0)),
  ...varintField(3, u64(v.idCursor)),
];
// mls.proto: QueryCommitLogRequest {1 group_id, 2 paging_info}
const query = (v: Json) => [
  ...bytesField(1, b64(v.groupId)),
  ...(v.pagingInfo ? messageField(2, paging(obj(v.pagingInfo))) : []),
];
// commit_log.proto: CommitLogEntry {1 sequence_id uint64, 2 serialized_commit_log_entry, 3 signature}
const entry = (v: Json) => [
  ...varintField(1, u64(v.sequenceId)),
  ...bytesField(2, b64(v.serializedCommitLogEntry)),
  ...(v.signature ? messageField(3, signature(obj(v.signature))) : []),
];
// mls.proto: QueryCommitLogResponse {1 group_id, 2 repeated commit_log_entries, 3 paging_info}
const queryResponse = (v: Json) => [
  ...bytesField(1, b64(v.groupId)),
  ...list(v.commitLogEntries).flatMap((e) => messageField(2, entry(e))),
  ...(v.pagingInfo ? messageField(3, paging(obj(v.pagingInfo))) : []),
];
// Batch* {1 repeated requests | responses}
const batch = (key: string, one: (v: Json) => number[]) => (v: Json) =>
  list(v[key]).flatMap((r) => messageField(1, one(r)));

const KINDS: Record<string, { schema: DescMessage; hand: (v: Json) => number[] }> = {
  "xmtp.mls.message_contents.PlaintextCommitLogEntry": {
    schema: PlaintextCommitLogEntrySchema,
    hand: plaintextEntry,
  },
  "xmtp.mls.api.v1.BatchPublishCommitLogRequest": {
    schema: BatchPublishCommitLogRequestSchema,
    hand: batch("requests", publish),
  },
  "xmtp.mls.api.v1.BatchQueryCommitLogRequest": {
    schema: BatchQueryCommitLogRequestSchema,
    hand: batch("requests", query),
  },
  "xmtp.mls.api.v1.BatchQueryCommitLogResponse": {
    schema: BatchQueryCommitLogResponseSchema,
    hand: batch("responses", queryResponse),
  },
};

describe("commit log golden vectors (XMTP's protos)", () => {
  it("cover every commit log message, from the pinned xmtp/proto commit", () => {
    expect(golden.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(new Set(golden.vectors.map((v) => v.type))).toEqual(new Set(Object.keys(KINDS)));
  });

  for (const v of golden.vectors) {
    const kind = KINDS[v.type]!;
    describe(v.name, () => {
      it("hand-assembled from the .proto field numbers gives exactly the golden bytes", () => {
        expect(hex(kind.hand(v.input as Json))).toBe(v.hex);
      });

      it("our generated encoder writes exactly the golden bytes and reads them back", () => {
        const fromWire = fromBinary(kind.schema, unhex(v.hex));
        expect(hex(toBinary(kind.schema, fromWire))).toBe(v.hex);
        const fromInput = fromJson(kind.schema, v.input as unknown as JsonValue);
        expect(hex(toBinary(kind.schema, fromInput))).toBe(v.hex);
        expect(fromWire).toEqual(fromInput);
      });

      it("maps to the same proto3 JSON as XMTP's definitions (Connect JSON names)", () => {
        expect(toJson(kind.schema, fromBinary(kind.schema, unhex(v.hex)))).toEqual(v.json);
      });
    });
  }

  it("signs entries as libxmtp does: pure Ed25519 over serialized_commit_log_entry", () => {
    const publicKey = ed25519PublicKey(unhex(golden.signingKeySeedHex));
    const publishVector = golden.vectors.find((v) => v.name === "batch_publish_request")!;
    const req = fromBinary(BatchPublishCommitLogRequestSchema, unhex(publishVector.hex));
    const r = req.requests[0]!;
    expect(r.signature!.publicKey).toEqual(publicKey);
    expect(ed25519Verify(r.signature!.bytes, r.serializedCommitLogEntry, publicKey)).toBe(true);
    const plain = golden.vectors.find((v) => v.name === "plaintext_entry_applied")!;
    expect(hex(r.serializedCommitLogEntry)).toBe(plain.hex);
  });
});
