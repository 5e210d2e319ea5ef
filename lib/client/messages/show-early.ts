// The two ends of showing a message before its write (arrivals.ts), for the receive and the
// send paths alike.
import type { SealedMessage } from "../../storage";
import type { ClientContext } from "../context";
import type { DecodedMessage } from "../types";
import { decodeRow } from "./decode";
import { storedRow } from "./receive-store";

/** A message about to be written, decoded for an open thread (none open: undefined). */
export async function earlyOf(
  ctx: ClientContext,
  sealed: SealedMessage,
): Promise<DecodedMessage | undefined> {
  return ctx.arrivals.watched ? decodeRow(ctx.codecs, sealed.clear) : undefined;
}

/**
 * The message as stored. The object shown early when the write stored it as shown (no
 * disappearing timer fixed inside the write): the thread's read then gives it back (page.ts).
 */
export async function storedAs(
  ctx: ClientContext,
  early: DecodedMessage | undefined,
  sealed: SealedMessage,
): Promise<DecodedMessage> {
  const row = storedRow(sealed);
  const message = early && !row.expiresAtNs ? early : await decodeRow(ctx.codecs, row);
  if (early) ctx.arrivals.settle(message, sealed.row);
  return message;
}
