// The welcome lineages of a group id (issue 11 item 9; the rules are in
// lib/client/groups/lineages.ts). Candidate states are sealed like group states; the AAD
// binds group, lineage, which of the two states and its epoch.

import type { MessengerDb } from "./db";
import { conversationKeyRange, hexId } from "./keys";
import type { LineageRow } from "./schema";
import { openMessage } from "./sealed-rows";

export interface LineageState {
  state: Uint8Array;
  epoch: bigint;
}

export interface Lineage extends Omit<
  LineageRow,
  "joinedSealed" | "joinedEpoch" | "probeSealed" | "probeEpoch"
> {
  /** Candidates only. */
  joined?: LineageState;
  probe?: LineageState;
}

const purpose = (groupId: string, lineageId: string, which: string, epoch: string) =>
  `lineage_state:${groupId}:${lineageId}:${which}:${epoch}`;

export async function getLineages(db: MessengerDb, groupId: string): Promise<Lineage[]> {
  const id = hexId(groupId, "groupId");
  const rows = await db.welcomeLineages.where("groupId").equals(id).toArray();
  return Promise.all(
    rows.map(async (row) => {
      const { joinedSealed, joinedEpoch, probeSealed, probeEpoch, ...rest } = row;
      const out: Lineage = rest;
      if (joinedSealed && joinedEpoch !== undefined)
        out.joined = {
          state: await db.sealing.open(
            purpose(id, row.lineageId, "joined", joinedEpoch),
            joinedSealed,
          ),
          epoch: BigInt(joinedEpoch),
        };
      if (probeSealed && probeEpoch !== undefined)
        out.probe = {
          state: await db.sealing.open(
            purpose(id, row.lineageId, "probe", probeEpoch),
            probeSealed,
          ),
          epoch: BigInt(probeEpoch),
        };
      return out;
    }),
  );
}

export async function putLineage(db: MessengerDb, l: Lineage): Promise<void> {
  const groupId = hexId(l.groupId, "groupId");
  const { joined, probe, ...rest } = l;
  const row: LineageRow = { ...rest, groupId };
  if (joined) {
    row.joinedEpoch = joined.epoch.toString();
    row.joinedSealed = await db.sealing.seal(
      purpose(groupId, l.lineageId, "joined", row.joinedEpoch),
      joined.state,
    );
  }
  if (probe) {
    row.probeEpoch = probe.epoch.toString();
    row.probeSealed = await db.sealing.seal(
      purpose(groupId, l.lineageId, "probe", row.probeEpoch),
      probe.state,
    );
  }
  await db.welcomeLineages.put(row);
}

export async function deleteLineage(
  db: MessengerDb,
  groupId: string,
  lineageId: string,
): Promise<void> {
  await db.welcomeLineages.delete([hexId(groupId, "groupId"), lineageId]);
}

export async function setContested(db: MessengerDb, id: string, contested: boolean): Promise<void> {
  const key = hexId(id, "conversation id");
  await db.transaction("rw", db.conversations, async () => {
    const row = await db.conversations.get(key);
    if (!row || Boolean(row.contested) === contested) return;
    await db.conversations.update(key, {
      contested: contested ? { since: Date.now() } : undefined,
    });
  });
}

export async function contestedConversationIds(db: MessengerDb): Promise<string[]> {
  const rows = await db.conversations.toArray();
  return rows.filter((r) => r.contested).map((r) => r.id);
}

/**
 * The losing lineage's traces go. What this installation sent into it (it has an intent
 * here) or still holds unsent becomes pending with its intent gone, so it is sealed anew
 * for the group that won; every other message goes (the winner's are read again from the
 * topic). Every intent of the conversation goes: its commits were made in the losing state.
 * The list row forgets the loser's name, preview and marks.
 */
export async function forgetLosingLineage(
  db: MessengerDb,
  id: string,
  selfInboxId: string,
): Promise<void> {
  const cid = hexId(id, "conversation id");
  const rows = await db.messages
    .where("[conversationId+sentAtNs+id]")
    .between(...conversationKeyRange(cid))
    .toArray();
  const opened = await Promise.all(rows.map((r) => openMessage(db.sealing.open, r)));
  await db.transaction("rw", db.messages, db.intents, db.conversations, async () => {
    const intents = await db.intents
      .where("[conversationId+status]")
      .between([cid], [cid, []])
      .toArray();
    const sentHere = new Set(intents.map((i) => i.messageId).filter((m) => m !== undefined));
    for (const m of opened) {
      const ours =
        m.senderInboxId === selfInboxId && (m.status === "pending" || sentHere.has(m.id));
      if (!ours) await db.messages.delete(m.id);
      else if (m.status !== "pending")
        await db.messages.update(m.id, { status: "pending", nodeId: undefined });
    }
    await db.intents.bulkDelete(intents.map((i) => i.id!));
    const conv = await db.conversations.get(cid);
    if (!conv) return;
    const sealed = { ...conv.sealed };
    delete sealed.lastMessagePreview;
    delete sealed.lastMessageSenderInboxId;
    delete sealed.name;
    await db.conversations.put({
      ...conv,
      sealed,
      lastMessageAtNs: conv.createdAtNs,
      unreadCount: 0,
      contested: undefined,
      outOfSync: undefined,
    });
  });
}
