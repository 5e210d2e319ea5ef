// One database read per (topic, cursor) however many streams want it: when a message
// reaches a group with 1,000 subscribers on this node, they all wake with the same
// cursor and ask for the same page; the first asks the database, the rest share its
// answer (fan-out was 1,000 queries per message, queued behind 4 slots).
//
// The rule that keeps this exact: a read may be shared only if it STARTED after
// everything its joiner must see. A stream wakes because of an event, and registers
// before its catch-up; both call `invalidate(topic)` first (the bus listener, the
// registration), which forgets the reads in flight for that topic. So a joiner only
// ever finds a read that began after its event or registration: every row committed
// before then is in its answer.
import type { TopicKey } from "./bus";

export class SharedReads<R> {
  private readonly inFlight = new Map<TopicKey, Map<bigint, Promise<R[]>>>();

  /** Rows after `cursor` on `topic`: joins a read in flight for the same pair, else starts `read`. */
  read(topic: TopicKey, cursor: bigint, read: () => Promise<R[]>): Promise<R[]> {
    let byCursor = this.inFlight.get(topic);
    const shared = byCursor?.get(cursor);
    if (shared) return shared;
    if (!byCursor) this.inFlight.set(topic, (byCursor = new Map()));
    const mine = byCursor;
    const started = read().finally(() => {
      if (mine.get(cursor) === started) mine.delete(cursor);
      if (mine.size === 0 && this.inFlight.get(topic) === mine) this.inFlight.delete(topic);
    });
    mine.set(cursor, started);
    return started;
  }

  /** Something new may be committed on `topic`: later reads must not join earlier ones. */
  invalidate(topic: TopicKey): void {
    this.inFlight.delete(topic);
  }

  /** Events may have been lost: no read in flight may be joined any more. */
  invalidateAll(): void {
    this.inFlight.clear();
  }
}
