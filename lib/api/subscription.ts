import { toHex } from "../crypto/bytes";
import type { GroupMessage_V1 } from "../proto/mls/api/v1/mls_pb";
import type { SubscribeResponse } from "../proto/messenger/node/v1/node_pb";
import { AsyncQueue } from "./async-queue";
import { backoffDelay, sleep } from "./backoff";
import { ApiError } from "./errors";
import type { NodeClient, ReceivedWelcome } from "./node-client";

export type Topic = { kind: "group"; id: Uint8Array } | { kind: "welcome"; id: Uint8Array };

export type StreamEvent =
  | { kind: "group"; message: GroupMessage_V1 }
  | { kind: "welcome"; message: ReceivedWelcome }
  | { kind: "caught_up" }
  | { kind: "disconnected"; error: ApiError; retryInMs: number };

export function topicKey(topic: Topic): string {
  return `${topic.kind === "group" ? "g" : "w"}:${toHex(topic.id)}`;
}

function eventTopicKey(e: StreamEvent): string | undefined {
  if (e.kind === "group") return topicKey({ kind: "group", id: e.message.groupId });
  if (e.kind === "welcome") return topicKey({ kind: "welcome", id: e.message.installationKey });
  return undefined;
}

export const MAX_FILTERS_PER_STREAM = 5000;

/** At least one chunk, so a client with no topic yet still holds a stream open. */
function chunksOf<T>(items: T[], size: number): T[][] {
  if (items.length === 0) return [[]];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface Filter {
  topic: Topic;
  cursor: bigint;
}

/**
 * The ONE stream a client keeps open (browsers allow 6 HTTP/1.1 connections per
 * origin; past the node's per-stream filter cap it becomes one stream per chunk of
 * topics, reported as caught up once all are). It carries every topic with its own cursor, reconnects with jittered
 * back-off, resumes from the cursors, and drops anything at or below a cursor, so
 * the consumer sees each envelope once and in order per topic.
 */
export class ResumableSubscription implements AsyncIterable<StreamEvent> {
  private readonly filters = new Map<string, Filter>();
  private readonly queue = new AsyncQueue<StreamEvent>();
  private connection?: AbortController;
  private closed = false;
  private running?: Promise<void>;
  private resumeAt = 0;

  constructor(
    private readonly client: NodeClient,
    topics: { topic: Topic; cursor: bigint }[] = [],
    /** The node refuses more per stream (STREAM_MAX_FILTERS, 5,000 by default): more topics open more streams. */
    private readonly maxFiltersPerStream = MAX_FILTERS_PER_STREAM,
  ) {
    for (const t of topics)
      this.filters.set(topicKey(t.topic), { topic: t.topic, cursor: t.cursor });
  }

  start(): this {
    this.running ??= this.run();
    return this;
  }

  /** Adds topics (e.g. a group just joined); the stream reopens from the cursors it holds. */
  addTopics(topics: { topic: Topic; cursor: bigint }[]): void {
    let changed = false;
    for (const t of topics) {
      const key = topicKey(t.topic);
      if (this.filters.has(key)) continue;
      this.filters.set(key, { topic: t.topic, cursor: t.cursor });
      changed = true;
    }
    if (changed) this.connection?.abort(new Error("filters changed"));
  }

  /**
   * Moves a topic's cursor back (its envelope could not be applied yet) and reopens
   * the stream, so the node delivers it again.
   */
  rewind(topic: Topic, cursor: bigint, pauseMs = 0): void {
    const key = topicKey(topic);
    const f = this.filters.get(key);
    if (!f) return;
    f.cursor = cursor;
    // Later envelopes of this topic already queued would jump the one that failed.
    this.queue.drop((e) => eventTopicKey(e) === key);
    this.resumeAt = Math.max(this.resumeAt, Date.now() + pauseMs);
    this.connection?.abort(new Error("rewind"));
  }

  cursor(topic: Topic): bigint | undefined {
    return this.filters.get(topicKey(topic))?.cursor;
  }

  close(): void {
    this.closed = true;
    this.connection?.abort(new Error("closed"));
    this.queue.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamEvent> {
    this.start();
    return {
      next: () => this.queue.next(),
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      const pause = this.resumeAt - Date.now();
      if (pause > 0) await sleep(pause).catch(() => undefined);
      if (this.closed) return;
      const connection = new AbortController();
      this.connection = connection;
      // The first stream to fail takes the others down with it, so all reopen together
      // from their cursors; `failure` tells that apart from an abort for new filters.
      let failure: unknown;
      const fail = (err: unknown) => {
        if (connection.signal.aborted) return;
        failure = err;
        connection.abort(err);
      };
      const chunks = chunksOf([...this.filters.values()], this.maxFiltersPerStream);
      let notCaughtUp = chunks.length;
      const onCaughtUp = () => {
        if (--notCaughtUp === 0) this.queue.push({ kind: "caught_up" });
      };
      await Promise.all(
        chunks.map((chunk) =>
          this.follow(chunk, connection.signal, onCaughtUp, () => (failures = 0)).catch(fail),
        ),
      );
      if (this.closed) return;
      if (failure === undefined) continue; // filters changed or rewound: reopen at once
      const error = ApiError.from(failure, "Subscribe");
      const retryInMs = Math.max(
        error.retryAfterMs ?? 0,
        backoffDelay(failures++, { baseMs: 200, maxMs: 15_000 }),
      );
      this.queue.push({ kind: "disconnected", error, retryInMs });
      await sleep(retryInMs).catch(() => undefined);
    }
  }

  /** One node stream over some of the filters; returns only when aborted, throws otherwise. */
  private async follow(
    chunk: Filter[],
    signal: AbortSignal,
    onCaughtUp: () => void,
    onEvent: () => void,
  ): Promise<void> {
    try {
      const stream = this.client.node.subscribe(
        {
          filters: chunk.map((f) => ({
            topic:
              f.topic.kind === "group"
                ? { case: "groupId" as const, value: f.topic.id }
                : { case: "installationKey" as const, value: f.topic.id },
            idCursor: f.cursor,
          })),
        },
        { signal },
      );
      for await (const res of stream) {
        onEvent();
        if (res.event.case === "caughtUp") onCaughtUp();
        else this.deliver(res.event);
      }
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    if (signal.aborted || this.closed) return;
    // The node ended the stream (restart, shutdown): reconnect from the cursors.
    throw new ApiError("unavailable", "Subscribe: the node closed the stream", true);
  }

  private deliver(event: SubscribeResponse["event"]): void {
    switch (event.case) {
      case "groupMessage": {
        if (event.value.version.case !== "v1") return;
        const m = event.value.version.value;
        const f = this.filters.get(topicKey({ kind: "group", id: m.groupId }));
        if (!f || m.id <= f.cursor) return; // a duplicate after a resume
        f.cursor = m.id;
        this.queue.push({ kind: "group", message: m });
        return;
      }
      case "welcomeMessage": {
        const version = event.value.version;
        if (version.case !== "v1" && version.case !== "welcomePointer") return;
        const m = version.value;
        const f = this.filters.get(topicKey({ kind: "welcome", id: m.installationKey }));
        if (!f || m.id <= f.cursor) return;
        f.cursor = m.id;
        this.queue.push({ kind: "welcome", message: m });
        return;
      }
      default:
        return; // keepalive
    }
  }
}
