// Application messages and incoming-message processing. Only PrivateMessages are
// accepted: the node must never see senders or content.

import {
  createApplicationMessage,
  emptyPskIndex,
  encodeMlsMessage,
  processPrivateMessage,
} from "ts-mls";
import type {
  ClientState,
  IncomingMessageCallback,
  LeafNode,
  PrivateMessage,
  ProposalWithSender,
} from "ts-mls";
import { decryptSenderData } from "ts-mls/privateMessage.js";
import { equalBytes, toHex } from "../crypto";
import type { AuthService } from "./auth";
import { deferAuth } from "./auth-at-sequence";
import { IMMUTABLE_METADATA_EXTENSION_TYPE } from "./constants";
import { MlsError, describe, fromLibrary } from "./errors";
import { hasMutableExtensions, readGroupContext } from "./group-context";
import { commitViolation, inboxesOf } from "./group-policy";
import { policyViolation } from "./proposal-policy";
import type { PendingCommit } from "./pending";
import { checkPastEpochSender } from "./past-epoch";
import { lifetimeProblem } from "./lifetime";
import {
  groupMetadata,
  leavesOf,
  memberOf,
  toHandle,
  withAuth,
  type GroupHandle,
  type Member,
} from "./state";
import { ownUnusedGenerations } from "./ready-generation";
import { cipherSuite } from "./suite";
import { decodeMessage } from "./wire";

export async function encryptApplication(
  group: GroupHandle,
  plaintext: Uint8Array,
): Promise<{ group: GroupHandle; message: Uint8Array }> {
  if (group.state.groupActiveState.kind !== "active") {
    throw new MlsError(
      "not_a_member",
      `cannot send: this installation's group state is ${group.state.groupActiveState.kind}`,
    );
  }
  const impl = await cipherSuite();
  let res;
  try {
    res = await createApplicationMessage(group.state, plaintext, impl);
  } catch (err) {
    throw fromLibrary(err, undefined, "invalid_state", "encrypting application message");
  }
  const message = encodeMlsMessage({
    version: "mls10",
    wireformat: "mls_private_message",
    privateMessage: res.privateMessage,
  });
  return { group: toHandle(res.newState), message };
}

export type Processed =
  | {
      kind: "application";
      group: GroupHandle;
      plaintext: Uint8Array;
      senderInboxId: string;
      senderInstallationKey: Uint8Array;
    }
  | {
      kind: "commit";
      group: GroupHandle;
      added: Member[];
      removed: Member[];
      committerInboxId: string;
      committerInstallationKey: Uint8Array;
      /** Our own pending commit won its epoch and is now merged. */
      own: boolean;
      /** This installation was removed by the commit: the group is read-only from now on. */
      selfRemoved: boolean;
      /** Another commit won the epoch our pending commit was made in: rebuild and retry it. */
      pendingDiscarded: boolean;
    }
  | { kind: "ignored"; group: GroupHandle; reason: string };

export interface ProcessOptions {
  /** Our own unmerged commit for this group, if any (see pending.ts). */
  pending?: PendingCommit;
}

export function memberDiff(
  before: ClientState["ratchetTree"],
  after: ClientState["ratchetTree"],
): { added: Member[]; removed: Member[] } {
  const keys = (tree: ClientState["ratchetTree"]) =>
    new Map(leavesOf(tree).map(({ leaf }) => [toHex(leaf.signaturePublicKey), leaf]));
  const a = keys(before);
  const b = keys(after);
  return {
    added: [...b].filter(([k]) => !a.has(k)).map(([, leaf]) => memberOf(leaf)),
    removed: [...a].filter(([k]) => !b.has(k)).map(([, leaf]) => memberOf(leaf)),
  };
}

/** Decrypts the sender data to learn which leaf sent `pm` (in the epoch's tree). */
async function senderLeaf(
  group: GroupHandle,
  pm: PrivateMessage,
): Promise<{ leafIndex: number; leaf: LeafNode; generation: number } | undefined> {
  const state = group.state;
  const epochData =
    pm.epoch === state.groupContext.epoch
      ? { senderDataSecret: state.keySchedule.senderDataSecret, ratchetTree: state.ratchetTree }
      : state.historicalReceiverData.get(pm.epoch);
  if (epochData === undefined) return undefined;
  const impl = await cipherSuite();
  let sender;
  try {
    sender = await decryptSenderData(pm, epochData.senderDataSecret, impl);
  } catch (err) {
    throw new MlsError("decrypt_failed", `sender data does not decrypt: ${describe(err)}`, {
      cause: err,
    });
  }
  if (sender === undefined) throw new MlsError("decrypt_failed", "sender data does not decode");
  const node = epochData.ratchetTree[sender.leafIndex * 2];
  if (node?.nodeType !== "leaf")
    throw new MlsError("decrypt_failed", `sender leaf ${sender.leafIndex} is blank`);
  return { leafIndex: sender.leafIndex, leaf: node.leaf, generation: sender.generation };
}

/**
 * Our own application message that this state still holds the key of: sent under a
 * generation taken ahead (ready-generation.ts) by a tab that died before storing it.
 */
function ownUnread(group: GroupHandle, pm: PrivateMessage, generation: number): boolean {
  if (pm.contentType !== "application" || pm.epoch !== group.epoch) return false;
  return generation in ownUnusedGenerations(group);
}

/** Groups with the mutable extensions: the commit against the policy of the epoch it was made in. */
function groupCommitViolation(
  before: GroupHandle,
  after: GroupHandle,
  committerInboxId: string,
): string | undefined {
  const had = hasMutableExtensions(before.state.groupContext.extensions);
  const has = hasMutableExtensions(after.state.groupContext.extensions);
  if (!had && !has) return undefined;
  if (had !== has) return "the mutable group extensions cannot be added or dropped";
  try {
    return commitViolation({
      committerInboxId,
      before: readGroupContext(before.state.groupContext.extensions),
      after: readGroupContext(after.state.groupContext.extensions),
      inboxesBefore: inboxesOf(before.state.ratchetTree),
      inboxesAfter: inboxesOf(after.state.ratchetTree),
    });
  } catch (err) {
    return describe(err);
  }
}

/**
 * A DM commit that removes this installation's leaf and adds the installation back (a
 * re-add). One this installation asked for is never processed here: it asked because it
 * was out of sync, and out of sync it reads nothing but the welcome (client/forks). So one
 * that reaches here was not asked for, and its welcome must not replace our state either.
 */
function dmReaddOfSelf(group: GroupHandle, proposals: ProposalWithSender[]): string | undefined {
  const own = group.state.privatePath.leafIndex;
  const ownLeaf = leavesOf(group.state.ratchetTree).find((l) => l.leafIndex === own)?.leaf;
  if (!ownLeaf) return undefined;
  let removed = false;
  let added = false;
  for (const { proposal: p } of proposals) {
    if (p.proposalType === "remove" && p.remove.removed === own) removed = true;
    if (
      p.proposalType === "add" &&
      equalBytes(p.add.keyPackage.leafNode.signaturePublicKey, ownLeaf.signaturePublicKey)
    )
      added = true;
  }
  return removed && added
    ? "DM commit re-adds this installation, which asked for no re-add (one that asks is out of sync and joins from the welcome)"
    : undefined;
}

export async function processMessage(
  group: GroupHandle,
  message: Uint8Array,
  auth: AuthService,
  options: ProcessOptions = {},
): Promise<Processed> {
  const msg = decodeMessage(message);
  if (msg.wireformat !== "mls_private_message") {
    throw new MlsError(
      "malformed_message",
      `group messages must be PrivateMessages, got ${msg.wireformat}`,
    );
  }
  const pm = msg.privateMessage;
  if (!equalBytes(pm.groupId, group.groupId)) {
    throw new MlsError(
      "wrong_group",
      `message is for group ${toHex(pm.groupId)}, not ${toHex(group.groupId)}`,
    );
  }
  const { pending } = options;
  const pendingLive =
    pending !== undefined &&
    pending.fromEpoch === group.epoch &&
    equalBytes(pending.group.groupId, group.groupId);
  if (pending !== undefined && equalBytes(message, pending.commit)) {
    if (!pendingLive) return { kind: "ignored", group, reason: "own commit already merged" };
    const own = memberOf(
      leavesOf(group.state.ratchetTree).find(
        (l) => l.leafIndex === group.state.privatePath.leafIndex,
      )!.leaf,
    );
    return {
      kind: "commit",
      group: pending.group,
      added: pending.added,
      removed: pending.removed,
      committerInboxId: own.inboxId,
      committerInstallationKey: own.installationKey,
      own: true,
      selfRemoved: false,
      pendingDiscarded: false,
    };
  }
  if (pm.epoch > group.epoch) {
    throw new MlsError(
      "wrong_epoch",
      `message is for epoch ${pm.epoch} but the group is at epoch ${group.epoch}: a commit is missing`,
    );
  }
  if (pm.epoch < group.epoch && pm.contentType !== "application") {
    return {
      kind: "ignored",
      group,
      reason: `${pm.contentType} from past epoch ${pm.epoch} (group is at ${group.epoch})`,
    };
  }
  if (pm.contentType === "proposal") {
    // Storing one would block every member's sending (RFC 9420: no application data with
    // unapplied proposals) until someone commits. All changes here are full commits.
    return { kind: "ignored", group, reason: "standalone proposals are not used on this network" };
  }
  const sender = await senderLeaf(group, pm);
  if (sender === undefined) {
    throw new MlsError(
      "decrypt_failed",
      `message from epoch ${pm.epoch}: keys for that epoch are no longer kept`,
    );
  }
  if (
    sender.leafIndex === group.state.privatePath.leafIndex &&
    !ownUnread(group, pm, sender.generation)
  ) {
    return { kind: "ignored", group, reason: `own ${pm.contentType} echoed back` };
  }
  // Only application messages reach here from a past epoch (commits were ignored above).
  checkPastEpochSender(group.state, pm.epoch, sender.leafIndex, sender.leaf);

  const metadata = groupMetadata(group);
  const metadataBytes = group.state.groupContext.extensions.find(
    (e) => e.extensionType === IMMUTABLE_METADATA_EXTENSION_TYPE,
  )?.extensionData;
  let violation: string | undefined;
  let lifetime: string | undefined; // an added key package outside its lifetime
  const policy: IncomingMessageCallback = (incoming) => {
    const proposals = incoming.kind === "commit" ? incoming.proposals : [incoming.proposal];
    if (incoming.kind === "commit" && incoming.senderLeafIndex === undefined)
      violation = "external commits are not accepted";
    if (incoming.kind === "commit" && metadata.conversationType === "dm")
      violation ??= dmReaddOfSelf(group, proposals);
    for (const p of proposals) {
      violation ??= policyViolation(p, metadata, metadataBytes);
      if (p.proposal.proposalType === "add")
        lifetime ??= lifetimeProblem(p.proposal.add.keyPackage);
    }
    return violation === undefined && lifetime === undefined ? "accept" : "reject";
  };

  const impl = await cipherSuite();
  // Leaves are judged against the logs as the RESULTING group context records them.
  const tracker = deferAuth(auth);
  let res;
  try {
    res = await processPrivateMessage(
      withAuth(group.state, tracker.service),
      pm,
      emptyPskIndex,
      impl,
      policy,
    );
  } catch (err) {
    const code = pm.contentType === "application" ? "decrypt_failed" : "invalid_commit";
    throw fromLibrary(
      err,
      tracker.failure(),
      code,
      `processing ${pm.contentType} from leaf ${sender.leafIndex}`,
    );
  }
  const from = memberOf(sender.leaf);
  if (res.kind === "applicationMessage") {
    return {
      kind: "application",
      group: toHandle(res.newState),
      plaintext: res.message,
      senderInboxId: from.inboxId,
      senderInstallationKey: from.installationKey,
    };
  }
  if (res.actionTaken === "reject") {
    if (violation === undefined && lifetime !== undefined)
      throw new MlsError(
        "key_package_lifetime",
        `commit rejected: it adds a key package outside its lifetime (${lifetime})`,
      );
    throw new MlsError("invalid_commit", `commit rejected: ${violation ?? "policy"}`);
  }
  await tracker.settle(res.newState.groupContext.extensions);
  const next = toHandle(res.newState);
  const groupRule = groupCommitViolation(group, next, from.inboxId);
  if (groupRule !== undefined)
    throw new MlsError("invalid_commit", `commit rejected: ${groupRule}`);
  const { added, removed } = memberDiff(group.state.ratchetTree, res.newState.ratchetTree);
  return {
    kind: "commit",
    group: next,
    added,
    removed,
    committerInboxId: from.inboxId,
    committerInstallationKey: from.installationKey,
    own: false,
    selfRemoved: res.newState.groupActiveState.kind === "removedFromGroup",
    pendingDiscarded: pendingLive,
  };
}
