// Before a message is sealed: the group's waiting commits are applied, so the message goes out
// in the epoch the group is in (a device removed a moment ago — e.g. revoked — must not read
// it). Only commits are taken, with our own echoes in front of them: another member's
// application message is left for the stream, which must deliver it (and so is an echo with
// no commit behind it: a stream opened later reports our sends as published).
import { sha256, toHex, fromHex } from "../../crypto";
import { readMessageHeader } from "../../mls";
import type { GroupMessage_V1 } from "../../proto/mls/api/v1/mls_pb";
import { getCursor, groupTopic, intentByPayloadHash } from "../../storage";
import type { ClientContext } from "../context";
import { applyEnvelopeLocked } from "./receive";
import { streamIsLive } from "./live-streams";

/** Whether the receive path may take this envelope now without the stream missing it. */
async function kindOf(
  ctx: ClientContext,
  env: GroupMessage_V1,
): Promise<"commit" | "own" | "other"> {
  let type;
  try {
    type = readMessageHeader(env.data).contentType;
  } catch {
    return "commit"; // malformed: the receive path notes and skips it, nothing to deliver
  }
  if (type !== "application") return "commit"; // commits and proposals
  const own = await intentByPayloadHash(ctx.db, toHex(sha256(env.data)));
  return own?.kind === "send_message" ? "own" : "other";
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
    // Up to the last commit that only commits and our own echoes precede.
    let end = 0;
    for (const [i, env] of page.entries()) {
      const kind = await kindOf(ctx, env);
      if (kind === "other") break;
      if (kind === "commit") end = i + 1;
    }
    for (const env of page.slice(0, end)) await applyEnvelopeLocked(ctx, env);
    if (end < page.length || page.length < 100) return;
    if ((await getCursor(ctx.db, groupTopic(groupId))) === cursor) return; // out of sync: stays
  }
}
