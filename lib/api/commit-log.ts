// Commit log calls (XMTP's BatchPublishCommitLog / BatchQueryCommitLog): after each
// commit it processes, a member publishes a signed entry; members read each other's
// entries to notice a fork. Pure request/response shaping; NodeClient adds retries.
import { create } from "@bufbuild/protobuf";
import {
  BatchPublishCommitLogRequestSchema,
  BatchQueryCommitLogRequestSchema,
  SortDirection,
  type BatchPublishCommitLogRequest,
  type BatchQueryCommitLogRequest,
  type BatchQueryCommitLogResponse,
} from "../proto/mls/api/v1/mls_pb";

/** This project's node's caps (GetNodeInfo reports them; XMTP's nodes: 10 publishes, 20 queries). */
export const MAX_COMMIT_LOG_BATCH = 100;
export const MAX_COMMIT_LOG_ENTRY_BYTES = 4096;

export interface CommitLogPublish {
  groupId: Uint8Array;
  /** A serialized PlaintextCommitLogEntry. */
  entry: Uint8Array;
  /** Ed25519 (pure) signature over `entry`, and the signer's public key. */
  signature: Uint8Array;
  signerPublicKey: Uint8Array;
}

export interface CommitLogQuery {
  groupId: Uint8Array;
  /** Exclusive sequence id; 0 / absent = from the start (or the newest when descending). */
  cursor?: bigint;
  limit?: number;
  /** Ascending is what XMTP's nodes serve; descending (newest first) is ours. */
  direction?: "ascending" | "descending";
}

export interface CommitLogEntryRecord {
  sequenceId: bigint;
  entry: Uint8Array;
  signature: Uint8Array;
  signerPublicKey: Uint8Array;
}

export interface CommitLogPage {
  groupId: Uint8Array;
  entries: CommitLogEntryRecord[];
  /** Ask again from here for more; undefined when the page was the last one. */
  nextCursor?: bigint;
}

export function publishRequest(entries: CommitLogPublish[]): BatchPublishCommitLogRequest {
  return create(BatchPublishCommitLogRequestSchema, {
    requests: entries.map((e) => ({
      groupId: e.groupId,
      serializedCommitLogEntry: e.entry,
      signature: { bytes: e.signature, publicKey: e.signerPublicKey },
    })),
  });
}

export function queryRequest(queries: CommitLogQuery[]): BatchQueryCommitLogRequest {
  return create(BatchQueryCommitLogRequestSchema, {
    requests: queries.map((q) => ({
      groupId: q.groupId,
      pagingInfo: {
        limit: Math.min(q.limit ?? MAX_COMMIT_LOG_BATCH, MAX_COMMIT_LOG_BATCH),
        idCursor: q.cursor ?? 0n,
        direction:
          q.direction === "descending" ? SortDirection.DESCENDING : SortDirection.ASCENDING,
      },
    })),
  });
}

/** One page per query, in query order (the node answers in request order). */
export function pagesFrom(res: BatchQueryCommitLogResponse): CommitLogPage[] {
  return res.responses.map((r) => {
    const cursor = r.pagingInfo?.idCursor ?? 0n;
    return {
      groupId: r.groupId,
      entries: r.commitLogEntries.map((e) => ({
        sequenceId: e.sequenceId,
        entry: e.serializedCommitLogEntry,
        signature: e.signature?.bytes ?? new Uint8Array(),
        signerPublicKey: e.signature?.publicKey ?? new Uint8Array(),
      })),
      nextCursor: cursor > 0n ? cursor : undefined,
    };
  });
}
