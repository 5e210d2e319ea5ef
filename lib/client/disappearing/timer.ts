// The disappearing-message timer as a group change and as the conversation row's copy.
// Kept apart from settings.ts (which runs the change): groups/change.ts plans it, and
// settings.ts imports the commit path that imports change.ts.
import { toHex } from "../../crypto";
import {
  DISAPPEAR_FROM_NS,
  DISAPPEAR_IN_NS,
  disappearingOf,
  hasMutableExtensions,
  readGroupContext,
  type DisappearingSettings,
  type GroupHandle,
} from "../../mls";
import { setConversationTimer } from "../../storage";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";
import { planContext } from "../groups/plans";

const I64_MAX = (1n << 63n) - 1n;

/** Writes both attributes; turning off a timer that is already off changes nothing. */
export function planDisappearing(fromNs: string, inNs: string) {
  return planContext((c) => {
    const attrs = c.metadata.attributes;
    if (inNs === "0" && disappearingOf(attrs) === undefined) return;
    attrs[DISAPPEAR_FROM_NS] = inNs === "0" ? "0" : fromNs;
    attrs[DISAPPEAR_IN_NS] = inNs;
  });
}

/** The timer a group's current epoch holds; undefined when off (or a DM made without metadata). */
export function timerOf(group: GroupHandle): DisappearingSettings | undefined {
  const ext = group.state.groupContext.extensions;
  if (!hasMutableExtensions(ext)) return undefined;
  return disappearingOf(readGroupContext(ext).metadata.attributes);
}

/**
 * A timer a caller gave, in nanoseconds (null or 0: off). Anything else than a whole number
 * from 0 to i64's maximum is refused with a sentence naming what was wrong.
 */
export function parseTimerNs(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  let ns: bigint;
  if (typeof value === "bigint") ns = value;
  else if (typeof value === "number") {
    if (!Number.isFinite(value) || !Number.isInteger(value))
      throw new ClientError(
        "invalid_argument",
        `the disappearing-message timer must be a whole number of nanoseconds, got ${value}`,
      );
    ns = BigInt(value);
  } else
    throw new ClientError(
      "invalid_argument",
      `the disappearing-message timer must be a number of nanoseconds (or null for off), got a ${typeof value}`,
    );
  if (ns < 0n)
    throw new ClientError(
      "invalid_argument",
      `the disappearing-message timer cannot be below 0, got ${ns} ns`,
    );
  if (ns > I64_MAX)
    throw new ClientError(
      "invalid_argument",
      `the disappearing-message timer is too long: ${ns} ns`,
    );
  return ns;
}

/** Copies the group's timer to its conversation row, which new messages read their expiry from. */
export async function noteTimer(ctx: ClientContext, group: GroupHandle): Promise<void> {
  await setConversationTimer(ctx.db, toHex(group.groupId), timerOf(group));
}
