// What a proposal (inside a commit) may do on this network, checked by every receiver:
// adds only of inboxes the conversation allows, no change to the immutable metadata, and
// none of the proposal types this network does not use.

import type { ProposalWithSender } from "ts-mls";
import { equalBytes } from "../crypto";
import { inboxIdFromCredential } from "./credential";
import { describe } from "./errors";
import { inboxAllowed, findMetadataExtension, type GroupMetadata } from "./metadata";

/** Why a proposal breaks this network's rules, or undefined. */
export function policyViolation(
  p: ProposalWithSender,
  metadata: GroupMetadata,
  metadataBytes: Uint8Array | undefined,
): string | undefined {
  if (p.senderLeafIndex === undefined) return "proposals from non-members are not accepted";
  const proposal = p.proposal;
  switch (proposal.proposalType) {
    case "add": {
      let inboxId: string;
      try {
        inboxId = inboxIdFromCredential(proposal.add.keyPackage.leafNode.credential);
      } catch (err) {
        return `added leaf: ${describe(err)}`;
      }
      return inboxAllowed(metadata, inboxId)
        ? undefined
        : `inbox ${inboxId} may not join this ${metadata.conversationType}`;
    }
    case "remove":
    case "update":
      return undefined;
    case "group_context_extensions": {
      const next = findMetadataExtension(proposal.groupContextExtensions.extensions);
      return next !== undefined &&
        metadataBytes !== undefined &&
        equalBytes(next.extensionData, metadataBytes)
        ? undefined
        : "the immutable metadata extension (0xF000) cannot change";
    }
    default:
      return `${proposal.proposalType} proposals are not used on this network`;
  }
}
