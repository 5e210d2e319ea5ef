// The broadcasts of this client's life: they run in the client, not in a view, so a
// broadcast keeps going (and its progress can be read again) while the person moves around
// the app. They are not persisted: a reload ends a running one (the DMs keep what was sent;
// messages stored but not yet published go out with the outbox as usual).
import type { ClientContext } from "../context";
import type { Conversations } from "../conversations/conversations";
import { ClientError } from "../errors";
import { BroadcastJob, type BroadcastMessage } from "./broadcast";
import { parseRecipients, type Recipient } from "./recipients";

export class Broadcasts {
  private readonly jobs: BroadcastJob[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly ctx: ClientContext,
    private readonly conversations: Conversations,
  ) {}

  /**
   * Starts sending `message` to each recipient (a pasted list, or parsed recipients).
   * Refuses with every bad entry named before anything is sent. Returns the job at once;
   * `job.run()` (already started) resolves with the report.
   */
  start(
    recipients: string | Recipient[],
    message: BroadcastMessage,
    opts: { intervalMs?: number } = {},
  ): BroadcastJob {
    let list: Recipient[];
    if (typeof recipients === "string") {
      const parsed = parseRecipients(recipients);
      if (parsed.problems.length > 0)
        throw new ClientError(
          "invalid_argument",
          parsed.problems.map((p) => `${p.input}: ${p.reason}`).join("; "),
        );
      list = parsed.recipients;
    } else list = recipients;
    const job = new BroadcastJob(this.ctx, this.conversations, list, message, opts.intervalMs);
    this.jobs.push(job);
    for (const l of this.listeners) l();
    void job.run();
    return job;
  }

  /** The newest broadcast of this session, if any. */
  latest(): BroadcastJob | undefined {
    return this.jobs.at(-1);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
