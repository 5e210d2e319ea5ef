// Before a message is sealed: the group's waiting commits are applied, so the message goes out
// in the epoch the group is in (a device removed a moment ago — e.g. revoked — must not read
// it). Everything up to the page's last commit is applied, in node order as MLS needs: an
// application message in front of a commit (a member's, or one of a former member's fake
// lineage that nobody here can read) must not hold the commit back, or the message is sealed
// in the epoch the group left and a device that commit added cannot read it. What follows
// the last commit (others' messages, our echoes) is left for the stream; what is applied here
// reaches listeners through the message bus as the stream's would.
import { fromHex } from "../../crypto";
import { readMessageHeader } from "../../mls";
import type { GroupMessage_V1 } from "../../proto/mls/api/v1/mls_pb";
import { getCursor, groupTopic } from "../../storage";
import type { ClientContext } from "../context";
import { applyEnvelopeLocked } from "./receive";
import { streamIsLive } from "./live-streams";

/** Commits and proposals (and malformed bytes, which the receive path notes and skips). */
function isCommit(env: GroupMessage_V1): boolean {
  try {
    return readMessageHeader(env.data).contentType !== "application";
  } catch {
    return true;
  }
}

/**
 * Group lock held. Applies the commits waiting on the node (one query when there are none);
 * nothing to ask while the stream is live: it brings each commit as the node takes it.
 */
export async function catchUpCommitsLocked(ctx: ClientContext, groupId: string): Promise<void> {
  if (streamIsLive(ctx)) return;
  for (;;) {
    const cursor = await getCursor(ctx.db, groupTopic(groupId));
    const page = await ctx.api.queryGroupMessages(fromHex(groupId), { cursor });
    // Up to the page's last commit, whatever precedes it; a full page whole, since a commit
    // may wait on the next one.
    const full = page.length >= 100;
    let end = full ? page.length : 0;
    if (!full) for (const [i, env] of page.entries()) if (isCommit(env)) end = i + 1;
    for (const env of page.slice(0, end)) await applyEnvelopeLocked(ctx, env);
    if (!full) return;
    if ((await getCursor(ctx.db, groupTopic(groupId))) === cursor) return; // out of sync: stays
  }
}
