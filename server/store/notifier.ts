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
// Where the driver pipelines (PostgreSQL), the wake-up is instead a statement of its own
// sent in the same write as the insert, on the same connection (wakeStatement): it runs
// as its own transaction right after the insert commits, and costs the send no round
// trip; the Notifier is then only the fallback when that statement fails.
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

/** The longest id a line can carry (int8). */
const MAX_ID_DIGITS = 19;

/** Topics in groups whose lines "<node> <topic> <id>" fit one payload (as packPayloads packs). */
export function chunkTopics(nodeId: string, topics: Iterable<TopicKey>): TopicKey[][] {
  const out: TopicKey[][] = [];
  let cur: TopicKey[] = [];
  let size = 0;
  for (const topic of topics) {
    const line = nodeId.length + 1 + topic.length + 1 + MAX_ID_DIGITS;
    if (cur.length > 0 && size + 1 + line > MAX_PAYLOAD) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    size += (cur.length > 0 ? 1 : 0) + line;
    cur.push(topic);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/**
 * Up to this many topics (in one payload) get the wake-up with one parameter pair per
 * topic; more get the general form. Measured (bench/publish-wake.ts, session 11): per
 * statement the general form's fixed cost (unnest of packed lists, LATERAL, string_agg)
 * is ~0.5–0.8 ms even for 2 topics, the per-topic form's 0.15–0.4 ms up to 8 topics; at
 * 40–50 topics the per-topic form's planning (100 parameters) makes it the dearer one.
 */
export const FEW_TOPICS = 16;

/** wakeFewStatement's texts by table, column and number of topics (at most a few dozen). */
const fewTexts = new Map<string, string>();

/**
 * The wake-up for these topics as a statement of its own, sent pipelined behind the
 * insert (Driver.preparedThen), so it costs the send no round trip: each topic's newest
 * id is read once the insert committed; lines packed as packPayloads packs them; its
 * commit does not wait for the disk (as on the notify connection). Topics are
 * "<prefix><hex key>" of `table`.`column`.
 */
export function wakeStatement(
  where: { table: string; column: string },
  channel: string,
  nodeId: string,
  topics: Iterable<TopicKey>,
): { text: string; params: unknown[] } {
  const all = [...topics];
  const chunks = chunkTopics(nodeId, all);
  return all.length <= FEW_TOPICS && chunks.length === 1
    ? wakeFewStatement(where, channel, nodeId, all)
    : wakeManyStatement(where, channel, nodeId, chunks);
}

/**
 * Few topics (a lone send, a small merge), whose lines fit one payload: a plain plan, one
 * index probe per topic, each line "<node> <topic> " || its newest id; concat_ws skips a
 * topic with none. ORDER BY … LIMIT 1 rather than max(), in both forms: a cached plan of
 * max() can read the topic's whole history (migrations.ts, idBeforeFunction).
 */
export function wakeFewStatement(
  where: { table: string; column: string },
  channel: string,
  nodeId: string,
  topics: TopicKey[],
): { text: string; params: unknown[] } {
  // The text depends only on the table and the number of topics: built once each.
  const form = `${where.table}.${where.column}/${topics.length}`;
  let text = fewTexts.get(form);
  if (text === undefined) {
    const lines = topics.map(
      (_, j) =>
        `$${2 + 2 * j}::text || (SELECT id FROM ${where.table} WHERE ${where.column} = $${3 + 2 * j}::bytea ORDER BY id DESC LIMIT 1)`,
    );
    text = `
SELECT count(pg_notify($1, p.payload))
FROM (SELECT set_config('synchronous_commit', 'off', true)) s,
     (SELECT concat_ws(E'\n', ${lines.join(",\n                       ")}) AS payload) p
WHERE p.payload <> ''`;
    fewTexts.set(form, text);
  }
  return {
    text,
    params: [
      channel,
      ...topics.flatMap((topic) => [`${nodeId} ${topic} `, Buffer.from(topic.slice(2), "hex")]),
    ],
  };
}

/** Any number of topics, one payload per chunk (chunkTopics): one statement text for all. */
export function wakeManyStatement(
  where: { table: string; column: string },
  channel: string,
  nodeId: string,
  chunks: TopicKey[][],
): { text: string; params: unknown[] } {
  return {
    text: `
SELECT count(pg_notify($1, p.payload))
FROM (SELECT set_config('synchronous_commit', 'off', true)) s,
     unnest($3::text[]) AS c(topics),
     LATERAL (SELECT string_agg($2 || ' ' || t.topic || ' ' || m.id, E'\n' ORDER BY t.i) AS payload
              FROM unnest(string_to_array(c.topics, ',')) WITH ORDINALITY AS t(topic, i),
                   LATERAL (SELECT id FROM ${where.table}
                            WHERE ${where.column} = decode(substring(t.topic from 3), 'hex')
                            ORDER BY id DESC LIMIT 1) m
              WHERE m.id IS NOT NULL) p
WHERE p.payload IS NOT NULL`,
    params: [channel, nodeId, chunks.map((c) => c.join(","))],
  };
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
