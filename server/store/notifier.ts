// Cross-node wake-ups (PostgreSQL NOTIFY), sent AFTER the insert committed, coalesced.
// Why not inside the insert's transaction: PostgreSQL serialises the commits of every
// transaction that NOTIFYs (a database-wide lock held until its commit record is
// flushed), so concurrent sends could no longer share an fsync: measured here, 8
// connections INSERTing ran at ~370/s with pg_notify in the statement, ~1,500/s without.
// Here all wake-ups of a node go out on one connection whose commits do not wait for
// the disk (a wake-up is not data: the rows are durable already), packed into as few
// payloads as fit, one line per topic with its highest id.
// A send is acknowledged only once its wake-up went out (`add` resolves then), so an
// acknowledged message was announced to every node, as when NOTIFY was in the insert.
import type { BusEvent, TopicKey } from "../stream/bus";

/** PostgreSQL refuses payloads of 8,000 bytes or more. */
export const MAX_PAYLOAD = 7_900;

/** Lines "<node> <topic> <id>", packed into payloads under MAX_PAYLOAD bytes (ASCII). */
export function packPayloads(nodeId: string, latest: Map<TopicKey, bigint>): string[] {
  const out: string[] = [];
  let cur = "";
  for (const [topic, id] of latest) {
    const line = `${nodeId} ${topic} ${id}`;
    if (cur && cur.length + 1 + line.length > MAX_PAYLOAD) {
      out.push(cur);
      cur = "";
    }
    cur = cur ? `${cur}\n${line}` : line;
  }
  if (cur) out.push(cur);
  return out;
}

/** The inverse of packPayloads: every well-formed line; the rest is reported. */
export function unpackPayload(
  payload: string,
  onBad: (line: string) => void,
): { origin: string; event: BusEvent }[] {
  const out: { origin: string; event: BusEvent }[] = [];
  for (const line of payload.split("\n")) {
    const [origin, topic, id] = line.split(" ");
    if (!origin || !topic || !id || !/^\d+$/.test(id)) {
      onBad(line);
      continue;
    }
    out.push({ origin, event: { topic, id: BigInt(id) } });
  }
  return out;
}

export class Notifier {
  private pending = new Map<TopicKey, bigint>();
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly nodeId: string,
    /** Sends the payloads in one statement; rejects if they did not go out. */
    private readonly send: (payloads: string[]) => Promise<void>,
  ) {}

  /** Resolves once these events (or later ones of their topics) were announced. */
  add(events: readonly BusEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    for (const e of events) {
      const prev = this.pending.get(e.topic);
      if (prev === undefined || e.id > prev) this.pending.set(e.topic, e.id);
    }
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.running) void this.flush();
    return done;
  }

  /** One statement at a time; what arrives meanwhile goes out in the next one. */
  private async flush(): Promise<void> {
    this.running = true;
    while (this.pending.size > 0) {
      const batch = this.pending;
      const waiters = this.waiters;
      this.pending = new Map();
      this.waiters = [];
      try {
        await this.send(packPayloads(this.nodeId, batch));
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.running = false;
  }
}
