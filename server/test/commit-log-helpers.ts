// Commit log entries as a member would publish them: a real PlaintextCommitLogEntry,
// signed (pure Ed25519) with a commit log key, as libxmtp signs them.
import { create, toBinary } from "@bufbuild/protobuf";
import { ed25519Sign, generateEd25519KeyPair, type Ed25519KeyPair } from "../../lib/crypto";
import type { PublishCommitLogRequest } from "../../lib/proto/mls/api/v1/mls_pb";
import {
  CommitResult,
  PlaintextCommitLogEntrySchema,
} from "../../lib/proto/mls/message_contents/commit_log_pb";

export const newCommitLogKey = (): Ed25519KeyPair => generateEd25519KeyPair();

export function plaintextEntry(groupId: Uint8Array, epoch: bigint): Uint8Array {
  // Random bytes stand in for the MLS epoch authenticators: the node never reads them.
  const auth = () => crypto.getRandomValues(new Uint8Array(32));
  return toBinary(
    PlaintextCommitLogEntrySchema,
    create(PlaintextCommitLogEntrySchema, {
      groupId,
      commitSequenceId: epoch * 10n,
      lastEpochAuthenticator: auth(),
      commitResult: CommitResult.APPLIED,
      appliedEpochNumber: epoch,
      appliedEpochAuthenticator: auth(),
    }),
  );
}

/** One publish request: `entry` (default: a fresh entry at `epoch`) signed by `key`. */
export function signedPublish(
  groupId: Uint8Array,
  key: Ed25519KeyPair,
  epoch = 1n,
  entry = plaintextEntry(groupId, epoch),
): Omit<PublishCommitLogRequest, "$typeName" | "signature"> & {
  signature: { bytes: Uint8Array; publicKey: Uint8Array };
} {
  return {
    groupId,
    serializedCommitLogEntry: entry,
    signature: { bytes: ed25519Sign(entry, key.privateKey), publicKey: key.publicKey },
  };
}
