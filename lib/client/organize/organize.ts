// Pin and archive (issue 17 item 6): list choices of the user, not of the conversation's
// members, so they never leave the inbox's own devices: stored with their time, shared
// through the SYNC group (devices/device-sync.ts), merged last-writer-wins everywhere.
import {
  loadConversationPrefs,
  mergeConversationPrefs,
  nsKey,
  type ConversationPrefRow,
  type ConversationPrefs,
  type ConversationRow,
  type PrefField,
} from "../../storage";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";

/** Where a conversation's choices are kept: a DM's duplicate groups share one entry. */
export const prefKeyOf = (row: Pick<ConversationRow, "id" | "dmId">) => row.dmId ?? row.id;

export function prefsOf(
  prefs: ConversationPrefs,
  row: Pick<ConversationRow, "id" | "dmId">,
): ConversationPrefRow {
  return prefs[prefKeyOf(row)] ?? {};
}

/** Pins or archives (on) or undoes it (off), here and on the inbox's other devices. */
export async function setChoice(
  ctx: ClientContext,
  row: ConversationRow,
  field: PrefField,
  on: unknown,
): Promise<void> {
  if (typeof on !== "boolean")
    throw new ClientError(
      "invalid_argument",
      `${field === "pinned" ? "setPinned" : "setArchived"} takes true or false, got ${typeof on}`,
    );
  const key = prefKeyOf(row);
  // Later than any stored choice, even one from a device whose clock runs ahead.
  const had = (await loadConversationPrefs(ctx.db))[key]?.[field];
  const now = BigInt(Date.now()) * 1_000_000n;
  const atNs = had && BigInt(had.atNs) >= now ? BigInt(had.atNs) + 1n : now;
  nsKey(atNs, "atNs");
  const applied = await mergeConversationPrefs(ctx.db, [{ key, field, on, atNs }]);
  if (applied.length > 0) await ctx.shareConversationPrefs?.(applied);
}
