// The conversation row a welcomed group gets (first welcome, or a lineage that won):
// kind, name and DM peer from the group itself; consent by the authenticated adder.
import { toHex } from "../../crypto";
import { groupMetadata, type GroupHandle } from "../../mls";
import { dmIdFor, loadJoins, upsertConversation } from "../../storage";
import type { ClientContext } from "../context";
import { applyConsent } from "../consent/consent";
import { groupNameOf } from "../groups/updates";
import { invitedByOurselves } from "./welcome-rules";
import { noteTimer } from "../disappearing/timer";

export async function storeWelcomedConversation(
  ctx: ClientContext,
  group: GroupHandle,
  adderInboxId: string,
  createdNs: bigint,
): Promise<void> {
  const groupId = toHex(group.groupId);
  const meta = groupMetadata(group);
  const self = ctx.installation.inboxId;
  const peer = meta.dmMembers?.find((m) => m !== self);
  const peerState = peer ? await ctx.resolver.state(peer).catch(() => undefined) : undefined;
  const peerAddress = peerState ? [...peerState.addresses.keys()][0] : undefined;
  await upsertConversation(ctx.db, {
    id: groupId,
    kind: meta.conversationType,
    createdAtNs: createdNs,
    ...groupNameOf(group),
    ...(meta.conversationType === "dm" && peer
      ? { peerInboxId: peer, dmId: dmIdFor(self, peer), ...(peerAddress ? { peerAddress } : {}) }
      : {}),
  });
  // Joined with a timer already set: our first message disappears like everyone's.
  await noteTimer(ctx, group);
  // Someone else's invitation stays "unknown" (a request), whatever creator the metadata
  // claims. One another installation of this inbox made is allowed, stamped 0 so any real
  // record (say, a synced block) still wins.
  if (invitedByOurselves({ inboxId: adderInboxId }, self) && meta.conversationType !== "sync")
    await applyConsent(ctx, [
      { entity: { kind: "conversation", id: groupId }, state: "allowed", consentedAtNs: 0n },
    ]);
  // A group this installation asked to join with an invite link, added by that invite's
  // maker: the person chose it, so it is not a request.
  else if (
    Object.values(await loadJoins(ctx.db)).some(
      (j) => j.groupId === groupId && j.inviterInboxId === adderInboxId,
    )
  )
    await applyConsent(ctx, [
      {
        entity: { kind: "conversation", id: groupId },
        state: "allowed",
        consentedAtNs: BigInt(Date.now()) * 1_000_000n,
      },
    ]);
}
