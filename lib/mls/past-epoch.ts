// Application messages from past epochs. ts-mls keeps the receiver secrets of a few past
// epochs (retainKeysForEpochs) so a message sent just before a commit still decrypts. But
// a member removed at epoch N keeps her epoch N-1 state and could go on posting in N-1 for
// ever: such a message is accepted only if its sender still holds the same leaf now.

import type { ClientState, LeafNode } from "ts-mls";
import { equalBytes } from "../crypto";
import { MAX_PAST_EPOCHS } from "./constants";
import { MlsError } from "./errors";

/**
 * Throws unless the application message from `leafIndex` at `messageEpoch` may be shown:
 * at most MAX_PAST_EPOCHS behind, and the current tree holds the same leaf (same index,
 * same signature key, same credential) — a removed, revoked or replaced sender is refused.
 */
export function checkPastEpochSender(
  current: ClientState,
  messageEpoch: bigint,
  leafIndex: number,
  leaf: LeafNode,
): void {
  const epoch = current.groupContext.epoch;
  if (messageEpoch >= epoch) return;
  if (epoch - messageEpoch > MAX_PAST_EPOCHS) {
    throw new MlsError(
      "epoch_too_old",
      `application message from epoch ${messageEpoch} is more than ${MAX_PAST_EPOCHS} epochs behind the group (epoch ${epoch})`,
    );
  }
  const node = current.ratchetTree[leafIndex * 2];
  const now = node?.nodeType === "leaf" ? node.leaf : undefined;
  if (
    now === undefined ||
    !equalBytes(now.signaturePublicKey, leaf.signaturePublicKey) ||
    !sameCredential(now, leaf)
  ) {
    throw new MlsError(
      "sender_not_member",
      `application message from epoch ${messageEpoch}: its sender (leaf ${leafIndex}) is no longer that member at epoch ${epoch}`,
    );
  }
}

function sameCredential(a: LeafNode, b: LeafNode): boolean {
  const x = a.credential;
  const y = b.credential;
  return (
    x.credentialType === "basic" &&
    y.credentialType === "basic" &&
    equalBytes(x.identity, y.identity)
  );
}
