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
// (its generator waits). When a topic gets a row, the engine reads the page once and,
// in ONE loop, writes its frames straight into every parked stream's response
// (`DirectDelivery`, fast-path.ts), advancing each stream's cursor. A message to 10,000
// streams was 10,000 promise resolutions, generator steps and page hand-offs. A stream
// falls back to its own generator (woken as before) whenever the loop cannot finish for
// it: a full page (more may follow), a response over its send buffer, an event while its
// direct write is in flight, or before its first message went through Connect. While a
// direct write for a stream is in flight, its generator waits for it, so one stream's
// frames are never written by both, and its cursor only moves forward.
import type { GroupMessageRow, Store, WelcomeMessageRow } from "../store";
import type { EventBus, TopicKey } from "./bus";
import { Semaphore } from "./semaphore";
import { SharedReads } from "./shared-reads";

export const STREAM_PAGE = 100;
export const CATCHUP_BATCH = 500;

export interface TopicFilter {
  kind: "g" | "w";
  /** Group id or installation key. */
  key: Uint8Array;
  topic: TopicKey;
  /** Exclusive. */
  cursor: bigint;
}

type GroupItem = { kind: "group"; row: GroupMessageRow };
type WelcomeItem = { kind: "welcome"; row: WelcomeMessageRow };

export type StreamItem = GroupItem | WelcomeItem | { kind: "caught_up" } | { kind: "keepalive" };

export interface StreamOptions {
  caughtUp: boolean;
  keepalive: boolean;
}

/** Writes a stream's items straight into its response, below Connect (fast-path.ts). */
export interface DirectDelivery {
  /** Items may be written directly (the stream's first message went through Connect). */
  ready(): boolean;
  /**
   * Writes the items' frames in order, now. `room`: the response is over its send
   * buffer after `written` items; write nothing more for this stream until it settles.
   */
  write(items: readonly StreamItem[]): { written: number; room?: Promise<void> };
}

/** One open stream as the engine's live fan-out sees it. */
interface LiveStream {
  states: Map<TopicKey, TopicFilter>;
  direct: DirectDelivery | undefined;
  /** Its generator waits with nothing to read: the engine may write for it directly. */
  parked: boolean;
  /** A direct write for it in flight (read, or waiting for room): its generator waits for this. */
  busy: Promise<void> | undefined;
  /** The generator's own path: read `topic` after its cursor (wakes it if parked). */
  wakeFor(topic: TopicKey): void;
  alive(): boolean;
}

export class StreamEngine {
  private readonly stopAll = new Set<() => void>();
  private closed = false;
  private readonly queries: Semaphore;
  private readonly groupReads = new SharedReads<GroupItem>();
  private readonly welcomeReads = new SharedReads<WelcomeItem>();
  /** Open streams by topic, and the one bus listener per topic that fans out to them. */
  private readonly live = new Map<TopicKey, { streams: Set<LiveStream>; off: () => void }>();

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly keepaliveMs: number,
    /** Stream queries (catch-up and live) in flight at once, all streams together. */
    queryConcurrency = 4,
  ) {
    this.queries = new Semaphore(queryConcurrency);
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
      offs.push(this.join(topic, me));
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

  /** Adds a stream to a topic's fan-out; returns its removal. */
  private join(topic: TopicKey, s: LiveStream): () => void {
    let entry = this.live.get(topic);
    if (!entry) {
      const off = this.bus.on(topic, () => this.onEvent(topic));
      this.live.set(topic, (entry = { streams: new Set(), off }));
    }
    const mine = entry;
    mine.streams.add(s);
    return () => {
      mine.streams.delete(s);
      if (mine.streams.size === 0 && this.live.get(topic) === mine) {
        mine.off();
        this.live.delete(topic);
      }
    };
  }

  /** A row was committed on `topic`: parked streams get it in one loop, the rest are woken. */
  private onEvent(topic: TopicKey): void {
    this.invalidate(topic); // before anyone reads for this event
    const entry = this.live.get(topic);
    if (!entry) return;
    let direct: LiveStream[] | undefined;
    for (const s of entry.streams) {
      if (s.parked && !s.busy && s.direct?.ready()) (direct ??= []).push(s);
      else s.wakeFor(topic);
    }
    if (direct) {
      const done = this.writeDirect(topic, direct);
      for (const s of direct) s.busy ??= done;
    }
  }

  /**
   * One shared read per distinct cursor (normally one), then every stream's frames
   * written in a loop. Never rejects: a stream it cannot finish for is handed back to
   * its generator (wakeFor), which reads on from the stream's cursor.
   */
  private async writeDirect(topic: TopicKey, streams: LiveStream[]): Promise<void> {
    const byCursor = new Map<bigint, LiveStream[]>();
    for (const s of streams) {
      const cursor = s.states.get(topic)!.cursor;
      const list = byCursor.get(cursor);
      if (list) list.push(s);
      else byCursor.set(cursor, [s]);
    }
    for (const [cursor, group] of byCursor) {
      let items: readonly (GroupItem | WelcomeItem)[];
      try {
        items = await this.readShared(group[0]!.states.get(topic)!, cursor);
      } catch {
        for (const s of group) this.handBack(s, topic);
        continue;
      }
      const full = items.length >= STREAM_PAGE;
      for (const s of group) {
        if (!s.alive()) {
          s.busy = undefined;
          continue;
        }
        const state = s.states.get(topic)!;
        const mine = after(items, state.cursor);
        const { written, room } = s.direct!.write(mine);
        if (written > 0) state.cursor = mine[written - 1]!.row.id;
        if (room) {
          s.busy = room.then(() => this.handBack(s, topic));
        } else if (full || written < mine.length) {
          this.handBack(s, topic);
        } else {
          s.busy = undefined; // stays parked
        }
      }
    }
  }

  private handBack(s: LiveStream, topic: TopicKey): void {
    s.busy = undefined;
    s.wakeFor(topic);
  }

  /** The page after `cursor` on the filter's topic, shared with every stream reading the same. */
  private readShared(
    state: TopicFilter,
    cursor: bigint,
  ): Promise<readonly (GroupItem | WelcomeItem)[]> {
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

/** Rows come in ascending id order; any at or below the cursor were sent already. */
function after<T extends GroupItem | WelcomeItem>(
  items: readonly T[],
  cursor: bigint,
): readonly T[] {
  let from = 0;
  while (from < items.length && items[from]!.row.id <= cursor) from++;
  return from === 0 ? items : items.slice(from);
}
