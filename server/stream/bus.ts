// In-process fan-out: "a row with this id was committed on this topic". From another
// node (NOTIFY) an event is only a wake-up: listeners read the rows from the store. A
// send on this node also hands over what it stored (`inserted`), so a stream that had
// everything up to `prev` gets the rows without reading them back (live-fan-out.ts).
import type { GroupMessageRow, WelcomeMessageRow } from "../store";

export type TopicKind = "g" | "w";

/** "g:<hex group id>" or "w:<hex installation key>". */
export type TopicKey = string;

export interface BusEvent {
  topic: TopicKey;
  /** The newest id the event is about. */
  id: bigint;
  /**
   * Local sends only: every row of the topic with an id in (prev, id], ascending
   * (prev 0: the topic had none) — exact, since prev was read under the topic's lock.
   */
  inserted?: { prev: bigint; rows: readonly (GroupMessageRow | WelcomeMessageRow)[] };
}

type Listener = (event: BusEvent) => void;

export class EventBus {
  private readonly byTopic = new Map<TopicKey, Set<Listener>>();
  private readonly resyncListeners = new Set<() => void>();

  /** Returns the unsubscribe function. */
  on(topic: TopicKey, fn: Listener): () => void {
    let set = this.byTopic.get(topic);
    if (!set) this.byTopic.set(topic, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.byTopic.get(topic) === set) this.byTopic.delete(topic);
    };
  }

  /** Called when events may have been lost (e.g. the LISTEN connection dropped). */
  onResync(fn: () => void): () => void {
    this.resyncListeners.add(fn);
    return () => this.resyncListeners.delete(fn);
  }

  publish(event: BusEvent): void {
    const set = this.byTopic.get(event.topic);
    if (!set) return;
    for (const fn of [...set]) fn(event);
  }

  resync(): void {
    for (const fn of [...this.resyncListeners]) fn();
  }

  listenerCount(): number {
    let n = 0;
    for (const s of this.byTopic.values()) n += s.size;
    return n;
  }
}
