// What a joined welcome must say before this installation keeps it (issue 11, item 7).
import { groupMembers, groupMetadata, type GroupHandle, type Member } from "../../mls";
import { ClientError } from "../errors";

/**
 * A DM names exactly two inboxes in dm_members, one of them ours, and its tree holds
 * exactly those two: a "DM" holding a third inbox (or not holding us) is refused.
 * A sync group holds only our own inbox.
 */
export function checkWelcomedGroup(group: GroupHandle, self: string): void {
  const meta = groupMetadata(group);
  const inTree = new Set(groupMembers(group).map((m) => m.inboxId));
  if (meta.conversationType === "dm") {
    const named = new Set(meta.dmMembers ?? []);
    const same = named.size === inTree.size && [...named].every((x) => inTree.has(x));
    if (named.size !== 2 || !named.has(self) || !same)
      throw new ClientError(
        "invalid_dm_welcome",
        `DM welcome refused: dm_members names ${[...named].join(", ") || "nobody"}, ` +
          `its tree holds ${[...inTree].join(", ")}; both must be exactly this inbox and one other`,
      );
  }
  if (meta.conversationType === "sync" && (inTree.size !== 1 || !inTree.has(self)))
    throw new ClientError(
      "invalid_dm_welcome",
      "sync group welcome refused: it must hold this inbox's installations only",
    );
}

/**
 * Consent follows the AUTHENTICATED adder (the GroupInfo signer), never the creator the
 * metadata claims: only an invitation made by another installation of this inbox is
 * allowed at once; anyone else's waits under Requests.
 */
export function invitedByOurselves(addedBy: Pick<Member, "inboxId">, self: string): boolean {
  return addedBy.inboxId === self;
}
