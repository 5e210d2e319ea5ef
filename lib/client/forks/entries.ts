// What travels in a group's commit log (BatchPublishCommitLog), both kinds told apart by
// who signed them:
//  - PlaintextCommitLogEntry (XMTP's format), Ed25519 (pure) over its bytes by the group's
//    commit-log signer (lib/mls/commit-log-signer.ts): only members hold that key;
//  - ReaddRequest (ours), Ed25519 (pure, as the node checks) over its bytes by the
//    requesting installation's own key; its `purpose` field says what the signed bytes
//    are. XMTP clients skip it: it is not signed by the group's signer.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ed25519Sign, ed25519Verify, equalBytes } from "../../crypto";
import type { CommitLogEntryRecord, CommitLogPublish } from "../../api";
import {
  CommitResult,
  PlaintextCommitLogEntrySchema,
  type PlaintextCommitLogEntry,
} from "../../proto/mls/message_contents/commit_log_pb";
import {
  ReaddRequestSchema,
  type ReaddRequest,
} from "../../proto/messenger/forks/v1/readd_request_pb";
import type { CommitLogSigner } from "../../mls";

const READD_PURPOSE = "messenger readd request v1";

export interface AppliedCommit {
  groupId: Uint8Array;
  commitSequenceId: bigint;
  lastEpochAuthenticator: Uint8Array;
  appliedEpoch: bigint;
  appliedEpochAuthenticator: Uint8Array;
}

export function signedEntry(c: AppliedCommit, signer: CommitLogSigner): CommitLogPublish {
  const entry = toBinary(
    PlaintextCommitLogEntrySchema,
    create(PlaintextCommitLogEntrySchema, {
      groupId: c.groupId,
      commitSequenceId: c.commitSequenceId,
      lastEpochAuthenticator: c.lastEpochAuthenticator,
      commitResult: CommitResult.APPLIED,
      appliedEpochNumber: c.appliedEpoch,
      appliedEpochAuthenticator: c.appliedEpochAuthenticator,
    }),
  );
  return {
    groupId: c.groupId,
    entry,
    signature: ed25519Sign(entry, signer.privateKey),
    signerPublicKey: signer.publicKey,
  };
}

/** The entry if the group's signer made it; undefined for anything else (skipped, never trusted). */
export function verifiedEntry(
  r: CommitLogEntryRecord,
  signerPublicKey: Uint8Array,
): PlaintextCommitLogEntry | undefined {
  if (!equalBytes(r.signerPublicKey, signerPublicKey)) return undefined;
  if (!ed25519Verify(r.signature, r.entry, signerPublicKey)) return undefined;
  try {
    return fromBinary(PlaintextCommitLogEntrySchema, r.entry);
  } catch {
    return undefined;
  }
}

export function signedReaddRequest(
  req: Omit<ReaddRequest, "$typeName" | "purpose">,
  installationPrivateKey: Uint8Array,
): CommitLogPublish {
  const entry = toBinary(
    ReaddRequestSchema,
    create(ReaddRequestSchema, { ...req, purpose: READD_PURPOSE }),
  );
  return {
    groupId: req.groupId,
    entry,
    signature: ed25519Sign(entry, installationPrivateKey),
    signerPublicKey: req.installationKey,
  };
}

/** A request its installation really signed (whether that installation may ask is the caller's check). */
export function verifiedReaddRequest(r: CommitLogEntryRecord): ReaddRequest | undefined {
  let req: ReaddRequest;
  try {
    req = fromBinary(ReaddRequestSchema, r.entry);
  } catch {
    return undefined;
  }
  if (req.purpose !== READD_PURPOSE) return undefined;
  if (!equalBytes(req.installationKey, r.signerPublicKey)) return undefined;
  if (!ed25519Verify(r.signature, r.entry, r.signerPublicKey)) return undefined;
  return req;
}
