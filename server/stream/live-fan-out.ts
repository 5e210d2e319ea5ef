// Live delivery without waking each stream (see engine.ts). A stream with nothing left
// to read parks; when its topic gets a row, one pass reads the page once and writes its
// frames straight into every parked stream's response (DirectDelivery), advancing each
// stream's cursor. A stream the pass cannot finish for goes back to its own generator
// (woken to read from its cursor): a full page, a response over its send buffer, or not
// ready yet. While a pass owes a stream a write, the stream is `busy` and its generator
// waits, so one stream's frames are never written by two paths and its cursor only
// moves forward.
//
// One pass per topic at a time: rows that arrive during a pass (while its read is in
// flight) are taken by ONE more pass after it, over every stream then parked. Waking
// the streams the running pass still owes instead sent all of them down their
// generators (a promise and a generator step each) whenever a read outlasted the gap
// between two messages — on a loaded machine, so the slow path fed itself.
//
// A row sent on THIS node needs no read at all: the send's event carries the rows it
// stored and the topic's id before them (bus.ts), so every parked stream whose cursor is
// that id gets them written at once, in the event's task. Any other stream (behind,
// owed by a pass, not ready) and every event from another node take the paths above.
//
// A pass writes all its streams in one task: HTTP/2 then flushes each session once
// (nghttp2, from a native setImmediate), ~1 socket write per session per message.
// Yielding to the event loop every 512 streams so that sessions went out earlier was
// measured (bench/README.md, session 9): at 10,000 streams it doubled the node's CPU
// per delivery (writes into sessions already flushing cost far more) and raised p99.
import type { BusEvent, EventBus, TopicKey } from "./bus";
import {
  after,
  STREAM_PAGE,
  type DirectDelivery,
  type GroupItem,
  type RowItem,
  type TopicFilter,
  type WelcomeItem,
} from "./items";

/** One open stream as the live fan-out sees it. */
export interface LiveStream {
  states: Map<TopicKey, TopicFilter>;
  direct: DirectDelivery | undefined;
  /** Its generator waits with nothing to read: a pass may write for it directly. */
  parked: boolean;
  /** A direct write for it is owed (pass, or waiting for room): its generator waits for this. */
  busy: Promise<void> | undefined;
  /** The generator's own path: read `topic` after its cursor (wakes it if parked). */
  wakeFor(topic: TopicKey): void;
  alive(): boolean;
}

/** Where a pass reads: shared per (topic, cursor) with every stream reading the same. */
export interface PassReads {
  /** Something new was committed on `topic`: reads begun before must not be joined. */
  invalidate(topic: TopicKey): void;
  read(state: TopicFilter, cursor: bigint): Promise<readonly RowItem[]>;
}

interface TopicEntry {
  streams: Set<LiveStream>;
  off: () => void;
  /** The pass running on this topic, if any. */
  pass: Promise<void> | undefined;
  /** A row arrived during `pass`: one more pass follows it. */
  again: boolean;
}

const directlyWritable = (s: LiveStream) => s.parked && !s.busy && !!s.direct?.ready();

export class LiveFanOut {
  /** Open streams by topic, and the one bus listener per topic that fans out to them. */
  private readonly live = new Map<TopicKey, TopicEntry>();

  constructor(
    private readonly bus: EventBus,
    private readonly reads: PassReads,
  ) {}

  /** Adds a stream to a topic's fan-out; returns its removal. */
  join(topic: TopicKey, s: LiveStream): () => void {
    let entry = this.live.get(topic);
    if (!entry) {
      const off = this.bus.on(topic, (event) => this.onEvent(event));
      entry = { streams: new Set(), off, pass: undefined, again: false };
      this.live.set(topic, entry);
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

  /** A row was committed on the event's topic. */
  private onEvent(event: BusEvent): void {
    const topic = event.topic;
    this.reads.invalidate(topic); // before anyone reads for this event
    const entry = this.live.get(topic);
    if (!entry) return;
    if (event.inserted && !this.writeInserted(topic, entry, event.id, event.inserted)) return;
    // A stream at or past the event's id has its row (ids become visible in order).
    const lacks = (s: LiveStream) => s.states.get(topic)!.cursor < event.id;
    if (!entry.pass) return this.startPass(topic, entry, lacks);
    // The next pass covers the streams the running one still owes and those parked now
    // (it re-checks them when it starts, waking any that moved); the rest read it now.
    entry.again = true;
    for (const s of entry.streams) {
      if (s.busy !== entry.pass && !directlyWritable(s) && lacks(s)) s.wakeFor(topic);
    }
  }

  /**
   * Writes a local send's rows to every parked stream at `prev` (no pass may owe it
   * anything: it is not busy), which leaves it parked at the event's id. Returns whether
   * any stream still lacks rows up to that id (the read paths then serve it).
   */
  private writeInserted(
    topic: TopicKey,
    entry: TopicEntry,
    id: bigint,
    inserted: NonNullable<BusEvent["inserted"]>,
  ): boolean {
    let items: readonly RowItem[] | undefined; // built once, shared by every stream
    let behind = false;
    for (const s of entry.streams) {
      const state = s.states.get(topic)!;
      if (state.cursor >= id || !s.alive()) continue;
      if (state.cursor !== inserted.prev || !directlyWritable(s)) {
        behind = true;
        continue;
      }
      items ??= itemsOf(state.kind, inserted.rows);
      let result: ReturnType<DirectDelivery["write"]>;
      try {
        result = s.direct!.write(items);
      } catch {
        handBack(s, topic);
        continue;
      }
      const { written, room } = result;
      if (written > 0) state.cursor = items[written - 1]!.row.id;
      if (room) s.busy = room.then(() => handBack(s, topic));
      else if (written < items.length) handBack(s, topic);
    }
    return behind;
  }

  /** Parked streams get the new rows in one pass, the rest are woken to read them. */
  private startPass(
    topic: TopicKey,
    entry: TopicEntry,
    lacks: (s: LiveStream) => boolean = () => true,
  ): void {
    entry.again = false;
    let direct: LiveStream[] | undefined;
    for (const s of entry.streams) {
      if (!lacks(s)) continue;
      if (directlyWritable(s)) (direct ??= []).push(s);
      else s.wakeFor(topic);
    }
    if (!direct) return;
    const pass: Promise<void> = this.writeDirect(topic, direct)
      .catch(() => {
        // writeDirect hands back what it cannot write; if it still threw, owe nobody.
        for (const s of direct) if (s.busy === pass) handBack(s, topic);
      })
      .then(() => {
        entry.pass = undefined;
        if (entry.again) this.startPass(topic, entry);
      });
    entry.pass = pass;
    for (const s of direct) s.busy = pass;
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
      let items: readonly RowItem[];
      try {
        items = await this.reads.read(group[0]!.states.get(topic)!, cursor);
      } catch {
        for (const s of group) handBack(s, topic);
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
          s.busy = room.then(() => handBack(s, topic));
        } else if (full || written < mine.length) {
          handBack(s, topic);
        } else {
          s.busy = undefined; // stays parked
        }
      }
    }
  }
}

function handBack(s: LiveStream, topic: TopicKey): void {
  s.busy = undefined;
  s.wakeFor(topic);
}

function itemsOf(kind: TopicFilter["kind"], rows: NonNullable<BusEvent["inserted"]>["rows"]) {
  return kind === "g"
    ? rows.map((row) => ({ kind: "group", row }) as GroupItem)
    : rows.map((row) => ({ kind: "welcome", row }) as WelcomeItem);
}
