// The welcome lineages of a group id (issue 11 item 9; the rules are in
// lib/client/groups/lineages.ts). Candidate states are sealed like group states; the AAD
// binds group, lineage, which of the two states and its epoch.

import type { MessengerDb } from "./db";
import { conversationKeyRange, hexId } from "./keys";
import type { LineageRow } from "./schema";
import { openMessage, sealConversationFields } from "./sealed-rows";

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
 * The losing lineage's traces go: others' messages are deleted, ours (sent into the group
 * that lost) become pending again with their intents gone, so they are sealed anew for
 * the group that won; every intent of the conversation goes (its commits were made in
 * the losing state). The list row forgets the loser's name, preview and marks.
 */
export async function forgetLosingLineage(
  db: MessengerDb,
  id: string,
  selfInboxId: string,
  opts: { name?: string },
): Promise<void> {
  const cid = hexId(id, "conversation id");
  const rows = await db.messages
    .where("[conversationId+sentAtNs+id]")
    .between(...conversationKeyRange(cid))
    .toArray();
  const opened = await Promise.all(
    rows.map(async (r) => ({ row: r, open: await openMessage(db.sealing.open, r) })),
  );
  const { name } = await sealConversationFields(db.sealing.seal, cid, { name: opts.name });
  await db.transaction("rw", db.messages, db.intents, db.conversations, async () => {
    for (const { row, open } of opened) {
      if (open.senderInboxId === selfInboxId) {
        if (row.status !== "pending") await db.messages.update(row.id, { status: "pending" });
      } else await db.messages.delete(row.id);
    }
    await db.intents.where("[conversationId+status]").between([cid], [cid, []]).delete();
    const conv = await db.conversations.get(cid);
    if (!conv) return;
    const sealed = { ...conv.sealed };
    delete sealed.lastMessagePreview;
    delete sealed.lastMessageSenderInboxId;
    delete sealed.name;
    if (name) sealed.name = name;
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
