// In-process fan-out: "a row with this id was committed on this topic". Listeners
// re-read rows from the store, so an event is only a wake-up, never the data.

export type TopicKind = "g" | "w";

/** "g:<hex group id>" or "w:<hex installation key>". */
export type TopicKey = string;

export interface BusEvent {
  topic: TopicKey;
  id: bigint;
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
