// MlsApi's commit log RPCs (XMTP-compatible): members publish a signed entry after
// each commit they process and read each other's to detect forks. The node keeps
// an append-only log per group and never interprets an entry; it checks sizes and
// that the signature verifies with the key it names, so nothing unverifiable is
// stored. Whether that key is the group's commit log signer is for members to check
// (the node cannot see group state).
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { ed25519Verify } from "../../lib/crypto";
import {
  BatchQueryCommitLogResponseSchema,
  QueryCommitLogResponseSchema,
  type MlsApi,
  type PublishCommitLogRequest,
  type QueryCommitLogResponse,
} from "../../lib/proto/mls/api/v1/mls_pb";
import type { CommitLogInsert, Store } from "../store";
import { invalidArgument } from "./errors";
import { LIMITS } from "./limits";
import { pageFrom, pagingInfoFor } from "./paging";
import { checkGroupId } from "./validate";

type CommitLogRpcs = Pick<
  ServiceImpl<typeof MlsApi>,
  "batchPublishCommitLog" | "batchQueryCommitLog"
>;

const ED25519_SIGNATURE_BYTES = 64;
const ED25519_PUBLIC_KEY_BYTES = 32;

function checkCount(n: number, what: string): void {
  if (n === 0) throw invalidArgument(`requests is empty: ${what} at least one`);
  if (n > LIMITS.maxCommitLogBatch) {
    throw invalidArgument(
      `requests has ${n} entries; at most ${LIMITS.maxCommitLogBatch} per request`,
    );
  }
}

export function commitLogInsert(req: PublishCommitLogRequest, i: number): CommitLogInsert {
  const field = `requests[${i}]`;
  checkGroupId(req.groupId, `${field}.group_id`);
  const entry = req.serializedCommitLogEntry;
  if (entry.length === 0) throw invalidArgument(`${field}.serialized_commit_log_entry is empty`);
  if (entry.length > LIMITS.maxCommitLogEntryBytes) {
    throw invalidArgument(
      `${field}.serialized_commit_log_entry is ${entry.length} bytes; at most ${LIMITS.maxCommitLogEntryBytes}`,
    );
  }
  const sig = req.signature;
  if (!sig) {
    throw invalidArgument(
      `${field}.signature is missing: sign serialized_commit_log_entry with the group's commit log key (Ed25519)`,
    );
  }
  if (sig.bytes.length !== ED25519_SIGNATURE_BYTES) {
    throw invalidArgument(
      `${field}.signature.bytes must be ${ED25519_SIGNATURE_BYTES} bytes (Ed25519 R || S), got ${sig.bytes.length}`,
    );
  }
  if (sig.publicKey.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw invalidArgument(
      `${field}.signature.public_key must be ${ED25519_PUBLIC_KEY_BYTES} bytes (an Ed25519 public key), got ${sig.publicKey.length}`,
    );
  }
  if (!ed25519Verify(sig.bytes, entry, sig.publicKey)) {
    throw invalidArgument(
      `${field}.signature does not verify over serialized_commit_log_entry with signature.public_key`,
    );
  }
  return { groupId: req.groupId, entry, signature: sig.bytes, signerPublicKey: sig.publicKey };
}

/** Names the request an error came from (paging checks only know `paging_info`). */
function within<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConnectError) throw new ConnectError(`${field}.${err.rawMessage}`, err.code);
    throw err;
  }
}

export function commitLogService(store: Store): CommitLogRpcs {
  return {
    async batchPublishCommitLog(req) {
      checkCount(req.requests.length, "publish");
      const inserts = req.requests.map(commitLogInsert); // validate all before storing any
      await store.insertCommitLog(inserts);
      return create(EmptySchema, {});
    },

    async batchQueryCommitLog(req) {
      checkCount(req.requests.length, "query");
      const queries = req.requests.map((q, i) => {
        checkGroupId(q.groupId, `requests[${i}].group_id`);
        return { groupId: q.groupId, page: within(`requests[${i}]`, () => pageFrom(q.pagingInfo)) };
      });
      const responses: QueryCommitLogResponse[] = [];
      for (const q of queries) {
        const rows = await store.queryCommitLog(q.groupId, q.page);
        responses.push(
          create(QueryCommitLogResponseSchema, {
            groupId: q.groupId,
            commitLogEntries: rows.map((r) => ({
              sequenceId: r.id,
              serializedCommitLogEntry: r.entry,
              signature: { bytes: r.signature, publicKey: r.signerPublicKey },
            })),
            pagingInfo: pagingInfoFor(
              q.page,
              rows.map((r) => r.id),
            ),
          }),
        );
      }
      return create(BatchQueryCommitLogResponseSchema, { responses });
    },
  };
}
