// Own commits. ts-mls applies a commit to the sender's state as it creates it; we keep
// that new state aside as a PendingCommit and the caller keeps the pre-commit state as
// current until the node's order says the commit won its epoch:
//
//   const { pending, commit } = await addMembers(current, kps, auth);   // persist pending
//   await api.sendGroupMessages(commit);
//   // then read the group's messages in node order:
//   processMessage(current, msg, auth, { pending })
//     -> msg is our commit (byte-identical): { kind: "commit", group: pending.group, own: true }  (merge done)
//     -> another commit for the same epoch came first: it is applied to `current`, the result says
//        pendingDiscarded: true; rebuild the intent on the new epoch and retry.
//
// mergeOwnCommit(current, pending) merges without waiting for the echo, for a caller that
// knows from the node that its commit is the first for the epoch. Send the welcome only
// after the merge, or the new members join a branch that lost.

import { MlsError } from "./errors";
import type { GroupHandle, Member } from "./state";
import { equalBytes } from "../crypto";

export interface PendingCommit {
  /** The MLSMessage(PrivateMessage) bytes that were (or will be) published. */
  commit: Uint8Array;
  /** State after the commit. */
  group: GroupHandle;
  /** Epoch the commit was made in. */
  fromEpoch: bigint;
  added: Member[];
  removed: Member[];
}

export function mergeOwnCommit(current: GroupHandle, pending: PendingCommit): GroupHandle {
  if (!equalBytes(current.groupId, pending.group.groupId)) {
    throw new MlsError("wrong_group", "pending commit belongs to another group");
  }
  if (current.epoch !== pending.fromEpoch) {
    throw new MlsError(
      "wrong_epoch",
      `pending commit was made at epoch ${pending.fromEpoch}, the group is at epoch ${current.epoch}: rebuild it`,
    );
  }
  return pending.group;
}
