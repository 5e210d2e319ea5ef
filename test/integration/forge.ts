// A "modified client" for policy tests: builds a commit with lib/mls directly, skipping
// the client's own permission check, and publishes it. Uses the client's real state.
import type { Client } from "../../lib/client";
import type { ClientContext } from "../../lib/client/context";
import { requireGroup } from "../../lib/client/groups/state";
import { toHex } from "../../lib/crypto";
import { commitChanges, encryptApplication, groupMembers, type GroupHandle } from "../../lib/mls";
import {
  encodeEncodedContent,
  encodePlaintextEnvelope,
  type ContentTypeId,
} from "../../lib/content";

export async function forgeRemoval(client: Client, groupId: string, victimInboxId: string) {
  const ctx = (client as unknown as { ctx: ClientContext }).ctx;
  const group = await requireGroup(ctx, groupId);
  const remove = groupMembers(group)
    .filter((m) => m.inboxId === victimInboxId)
    .map((m) => m.installationKey);
  const out = await commitChanges(group, { remove }, ctx.resolver.authenticate);
  await ctx.api.sendGroupMessages([{ data: out.commit, shouldPush: false }]);
}

/** The client's MLS state of a group now: an attacker keeps it to post from later. */
export async function keepGroupState(client: Client, groupId: string): Promise<GroupHandle> {
  const ctx = (client as unknown as { ctx: ClientContext }).ctx;
  return requireGroup(ctx, groupId);
}

/**
 * Encrypts content with a kept (possibly stale) group state and publishes it, as a client
 * that never applied the later commits would. Returns the state after sending.
 */
export async function postFromState(
  client: Client,
  group: GroupHandle,
  type: ContentTypeId,
  content: unknown,
): Promise<GroupHandle> {
  const ctx = (client as unknown as { ctx: ClientContext }).ctx;
  const encoded = encodeEncodedContent(ctx.codecs.encode(type, content));
  const plaintext = encodePlaintextEnvelope(encoded, (BigInt(Date.now()) * 1_000_000n).toString());
  const out = await encryptApplication(group, plaintext);
  await ctx.api.sendGroupMessages([{ data: out.message, shouldPush: true }]);
  return out.group;
}

/** Installation IDs (hex) holding leaves in the client's current state of the group. */
export async function leavesOf(client: Client, groupId: string): Promise<string[]> {
  const group = await keepGroupState(client, groupId);
  return groupMembers(group).map((m) => toHex(m.installationKey));
}
