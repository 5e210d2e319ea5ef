// Where a new member starts reading a group (libxmtp's welcome_metadata, issue #15): the
// adder names the node id of the commit that added us, and what came before it was sent
// under epochs we never had keys for. libxmtp takes the id on trust; we take it only when the
// node's envelope at that id is a commit made at the epoch just before the one we joined —
// an adder naming a later id to hide messages from us must also point at such a commit.
import { readMessageHeader, type GroupHandle } from "../../mls";
import { groupTopic, setCursor } from "../../storage";
import type { ClientContext } from "../context";
import type { ReceiveLog } from "../types";

/** Moves the new group's read cursor to the add commit when the welcome named it and the node agrees. */
export async function startAfterAddCommit(
  ctx: ClientContext,
  group: GroupHandle,
  groupId: string,
  commitId: bigint | undefined,
  log?: ReceiveLog,
): Promise<void> {
  if (commitId === undefined || commitId <= 0n || group.epoch === 0n) return;
  let envelope;
  try {
    [envelope] = await ctx.api.queryGroupMessages(group.groupId, {
      cursor: commitId - 1n,
      limit: 1,
    });
  } catch (err) {
    // Not worth failing a join over: the group is then read from its start, as before.
    log?.("welcome_cursor_unchecked", { groupId, error: (err as Error).message });
    return;
  }
  let header;
  try {
    header = envelope && envelope.id === commitId ? readMessageHeader(envelope.data) : undefined;
  } catch {
    header = undefined;
  }
  if (header?.contentType !== "commit" || header.epoch !== group.epoch - 1n) {
    log?.("welcome_cursor_refused", { groupId, cursor: commitId.toString() });
    return;
  }
  await setCursor(ctx.db, groupTopic(groupId), commitId);
}
