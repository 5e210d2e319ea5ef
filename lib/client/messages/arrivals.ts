// Messages an open thread may show before its live query reads them back, so a bubble waits
// neither for IndexedDB's commit nor for the window's re-read (~35 ms at idle): a received
// message once MLS authenticated it and every acceptance rule passed, before its write
// (receive.ts); our own typed message, pending, as soon as its publish is on its way
// (send.ts). Each is then either stored — and the thread's next read gives back the very
// object it showed (page.ts: no second decode, no redraw) — or withdrawn: the write failed or
// stored nothing, so the view drops it. Showing a received message early is safe: until the
// write commits the cursor has not moved, so a tab that dies here reads the message again.
import { sameStoredMessage, type StoredMessageRow } from "../../storage";
import type { DecodedMessage } from "../types";

export type Arrival =
  { kind: "shown"; message: DecodedMessage } | { kind: "withdrawn"; message: DecodedMessage };

type Listener = (a: Arrival) => void;

/** Stored messages waiting for the thread's read (a few: the read follows within ms). */
const SETTLED_MAX = 64;

export class Arrivals {
  private readonly listeners = new Set<Listener>();
  /** message id → the object shown and the row it was stored as. */
  private readonly settled = new Map<
    string,
    { stored: StoredMessageRow; message: DecodedMessage }
  >();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether anything shows arrivals (no view: nothing is decoded or kept for one). */
  get watched(): boolean {
    return this.listeners.size > 0;
  }

  show(message: DecodedMessage): void {
    for (const l of this.listeners) l({ kind: "shown", message });
  }

  withdraw(message: DecodedMessage): void {
    this.settled.delete(message.id);
    for (const l of this.listeners) l({ kind: "withdrawn", message });
  }

  /** The shown message was stored as `stored`: its read gives `message` back (take()). */
  settle(message: DecodedMessage, stored: StoredMessageRow): void {
    this.settled.delete(message.id);
    this.settled.set(message.id, { stored, message });
    for (const id of this.settled.keys()) {
      if (this.settled.size <= SETTLED_MAX) break;
      this.settled.delete(id);
    }
  }

  /** The object shown for this row, if the row read is exactly the one it was stored as. */
  take(row: StoredMessageRow): DecodedMessage | undefined {
    const had = this.settled.get(row.id);
    if (!had) return undefined;
    this.settled.delete(row.id);
    return sameStoredMessage(had.stored, row) ? had.message : undefined;
  }
}
