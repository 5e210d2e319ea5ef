// The subscription engine behind Subscribe, SubscribeGroupMessages and
// SubscribeWelcomeMessages. Per stream: register bus listeners FIRST, then catch
// each topic up from its cursor, then forward live. Every read is "id > the last
// id sent on this topic", so a row committed during catch-up is read exactly once
// (inserts are serialised per topic, so ids become visible in order: no gap).
//
// Catch-up is paged, never one query per filter: one statement per CATCHUP_BATCH
// filters finds the topics with rows after their cursor, then only those are read,
// STREAM_PAGE rows at a time. A topic found empty that gets a row afterwards is
// covered by its bus listener (registered before the check). Every query of every
// stream goes through one semaphore, so streams cannot crowd out unary requests, and
// streams waiting for the same page of the same topic share one read (shared-reads.ts).
//
// Live delivery without waking each stream: a stream with nothing left to read parks
// (its generator waits), and the live fan-out (live-fan-out.ts) writes new rows for all
// parked streams of a topic in one pass, straight into their responses.
import type { Store } from "../store";
import type { EventBus, TopicKey } from "./bus";
import {
  after,
  STREAM_PAGE,
  type DirectDelivery,
  type GroupItem,
  type RowItem,
  type StreamItem,
  type TopicFilter,
  type WelcomeItem,
} from "./items";
import { LiveFanOut, type LiveStream } from "./live-fan-out";
import { Semaphore } from "./semaphore";
import { SharedReads } from "./shared-reads";

export { STREAM_PAGE, type DirectDelivery, type StreamItem, type TopicFilter };

export const CATCHUP_BATCH = 500;

export interface StreamOptions {
  caughtUp: boolean;
  keepalive: boolean;
}

export class StreamEngine {
  private readonly stopAll = new Set<() => void>();
  private closed = false;
  private readonly queries: Semaphore;
  private readonly groupReads = new SharedReads<GroupItem>();
  private readonly welcomeReads = new SharedReads<WelcomeItem>();
  private readonly fanOut: LiveFanOut;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly keepaliveMs: number,
    /** Stream queries (catch-up and live) in flight at once, all streams together. */
    queryConcurrency = 4,
  ) {
    this.queries = new Semaphore(queryConcurrency);
    this.fanOut = new LiveFanOut(bus, {
      invalidate: (topic) => this.invalidate(topic),
      read: (state, cursor) => this.readShared(state, cursor),
    });
  }

  get activeStreams(): number {
    return this.stopAll.size;
  }

  /** Ends every open stream (graceful shutdown); new ones end at once. */
  close(): void {
    this.closed = true;
    for (const stop of [...this.stopAll]) stop();
  }

  async *stream(
    filters: TopicFilter[],
    signal: AbortSignal,
    opts: StreamOptions,
    direct?: DirectDelivery,
  ): AsyncGenerator<StreamItem> {
    // Duplicate topics merge, keeping the lower cursor so nothing is skipped.
    const states = new Map<TopicKey, TopicFilter>();
    for (const f of filters) {
      const prev = states.get(f.topic);
      if (!prev || f.cursor < prev.cursor) states.set(f.topic, { ...f });
    }
    const dirty = new Set<TopicKey>();
    let wake: (() => void) | undefined;
    const poke = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    let stopped = false;
    const stop = () => {
      stopped = true;
      poke();
    };
    const done = () => stopped || this.closed || signal.aborted;
    // One keepalive timer per stream, restarted (refresh) at each wait rather than
    // created and cleared per delivered message: with 1,000 streams on a group that was
    // 2,000 timer operations per message.
    let quiet = false;
    const keepalive = setTimeout(() => {
      quiet = true;
      poke();
    }, this.keepaliveMs);

    const me: LiveStream = {
      states,
      direct,
      parked: false,
      busy: undefined,
      wakeFor: (topic) => {
        dirty.add(topic);
        poke();
      },
      alive: () => !done(),
    };
    const offs: (() => void)[] = [];
    for (const topic of states.keys()) {
      offs.push(this.fanOut.join(topic, me));
      this.invalidate(topic); // this stream's reads start after its registration
    }
    offs.push(
      this.bus.onResync(() => {
        this.groupReads.invalidateAll();
        this.welcomeReads.invalidateAll();
        for (const topic of states.keys()) dirty.add(topic);
        poke();
      }),
    );
    signal.addEventListener("abort", stop);
    this.stopAll.add(stop);
    try {
      const all = [...states.values()];
      for (let i = 0; i < all.length; i += CATCHUP_BATCH) {
        for (const kind of ["g", "w"] as const) {
          const batch = all.slice(i, i + CATCHUP_BATCH).filter((f) => f.kind === kind);
          if (done()) return;
          const pending = await this.queries.run(() => this.store.topicsWithNewer(kind, batch));
          for (const at of pending) {
            const state = batch[at - 1];
            if (done()) return;
            if (!state) continue;
            for (let more = true; more && !done();) {
              const page = await this.nextPage(state);
              for (const item of page.items) yield item;
              more = page.full;
            }
          }
        }
      }
      if (done()) return;
      if (opts.caughtUp) yield { kind: "caught_up" };
      while (!done()) {
        if (me.busy) {
          await me.busy; // a direct write for this stream finishes first
          continue;
        }
        if (dirty.size === 0) {
          quiet = false;
          keepalive.refresh();
          me.parked = true;
          await new Promise<void>((resolve) => (wake = resolve));
          me.parked = false;
          if (quiet && dirty.size === 0 && !me.busy && opts.keepalive && !done()) {
            yield { kind: "keepalive" };
          }
          continue;
        }
        const topics = [...dirty];
        dirty.clear();
        for (const topic of topics) {
          const state = states.get(topic);
          if (!state) continue;
          for (let more = true; more && !done();) {
            const page = await this.nextPage(state);
            for (const item of page.items) yield item;
            more = page.full;
          }
        }
      }
    } finally {
      clearTimeout(keepalive);
      for (const off of offs) off();
      signal.removeEventListener("abort", stop);
      this.stopAll.delete(stop);
      poke();
    }
  }

  private invalidate(topic: TopicKey): void {
    this.groupReads.invalidate(topic);
    this.welcomeReads.invalidate(topic);
  }

  /** The page after `cursor` on the filter's topic, shared with every stream reading the same. */
  private readShared(state: TopicFilter, cursor: bigint): Promise<readonly RowItem[]> {
    const page = { cursor, limit: STREAM_PAGE, direction: "asc" as const };
    return state.kind === "g"
      ? this.groupReads.read(state.topic, cursor, async () =>
          (await this.queries.run(() => this.store.queryGroupMessages(state.key, page))).map(
            (row): GroupItem => ({ kind: "group", row }),
          ),
        )
      : this.welcomeReads.read(state.topic, cursor, async () =>
          (await this.queries.run(() => this.store.queryWelcomeMessages(state.key, page))).map(
            (row): WelcomeItem => ({ kind: "welcome", row }),
          ),
        );
  }

  /**
   * The next page after state.cursor, advancing the cursor past it; `full` = a whole page
   * came back, so there may be more. A plain async function, not a generator the stream
   * delegates to: one generator layer less per delivered message. The items are built once
   * per shared read and handed to every stream that shares it (read-only): a message to
   * 1,000 streams allocates no item, array or page per stream.
   */
  private async nextPage(
    state: TopicFilter,
  ): Promise<{ items: readonly StreamItem[]; full: boolean }> {
    const items = await this.readShared(state, state.cursor);
    const mine = after(items, state.cursor);
    const last = mine.at(-1);
    if (last) state.cursor = last.row.id;
    return { items: mine, full: items.length >= STREAM_PAGE };
  }
}
