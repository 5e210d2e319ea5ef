// What the group scenario tests share: find a group after a sync, read its texts, keep logs.
import type { Client, Conversation, Group } from "../../lib/client";

export type Logged = { event: string; detail: Record<string, unknown> };

/** The group as this client sees it after a sync; throws naming who lacks it. */
export async function groupOf(c: Client, id: string): Promise<Group> {
  await c.conversations.sync();
  const g = await c.conversations.getGroup(id);
  if (!g) throw new Error(`${c.address} has no group ${id}`);
  return g;
}

/** The text messages of a conversation, oldest first. */
export const texts = async (c: Group | Conversation) =>
  (await c.messages()).filter((m) => m.contentType === "xmtp.org/text:1.0").map((m) => m.content);
