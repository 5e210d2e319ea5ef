// The thread's live window with the messages the client showed before storing them
// (Client.onArrival): each in storage order (time, then id), until the window's read has it —
// from then on the stored one, which page.ts hands back as the same object (no redraw).
import type { DecodedMessage } from "@/lib/client";

const before = (a: DecodedMessage, b: DecodedMessage) =>
  a.sentAtNs < b.sentAtNs || (a.sentAtNs === b.sentAtNs && a.id < b.id);

export function withArrived(live: DecodedMessage[], arrived: DecodedMessage[]): DecodedMessage[] {
  if (arrived.length === 0) return live;
  const have = new Set(live.map((m) => m.id));
  const first = live[0];
  // Older than the window: history (a message stored before), never drawn inside it.
  const extra = arrived.filter((m) => !have.has(m.id) && !(first && before(m, first)));
  if (extra.length === 0) return live;
  return [...live, ...extra].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}

/** The arrivals still to show: those the window has not read yet. */
export function stillArriving(live: DecodedMessage[], arrived: DecodedMessage[]): DecodedMessage[] {
  if (arrived.length === 0) return arrived;
  const have = new Set(live.map((m) => m.id));
  const left = arrived.filter((m) => !have.has(m.id));
  return left.length === arrived.length ? arrived : left;
}
