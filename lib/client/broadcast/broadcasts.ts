// The broadcasts of this installation: they run in the client, not in a view, so a broadcast
// keeps going (and its progress can be read again) while the person moves around the app.
// Each job is stored sealed as it goes (job-record.ts), so a reload loses nothing: every tab
// shows the stored jobs, and the tab that syncs (the leader, Client.startSync) resumes the
// unfinished ones, each under its own Web Lock, without sending anyone a second copy.
import { deleteBroadcast, loadBroadcasts } from "../../storage";
import type { ClientContext } from "../context";
import type { Conversations } from "../conversations/conversations";
import { ClientError } from "../errors";
import { BroadcastJob, type BroadcastMessage } from "./broadcast";
import { parseRecipients, type Recipient } from "./recipients";

/** Finished jobs kept for their report; older ones are deleted. */
const KEEP_JOBS = 20;

export class Broadcasts {
  private jobs: BroadcastJob[] = [];
  private readonly listeners = new Set<() => void>();
  private restoring: Promise<void> | undefined;

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
    this.add(job);
    void job.run();
    return job;
  }

  /**
   * Reads the stored jobs (once): the latest report shows after a reload, in every tab.
   * Jobs beyond the newest KEEP_JOBS are deleted.
   */
  restore(): Promise<void> {
    this.restoring ??= (async () => {
      const stored = await loadBroadcasts(this.ctx.db);
      for (const old of stored.slice(0, Math.max(0, stored.length - KEEP_JOBS)))
        await deleteBroadcast(this.ctx.db, old.id);
      const known = new Set(this.jobs.map((j) => j.id));
      const restored: BroadcastJob[] = [];
      for (const s of stored.slice(-KEEP_JOBS)) {
        if (known.has(s.id)) continue;
        restored.push(await BroadcastJob.restore(this.ctx, this.conversations, s));
      }
      // Started in this session before the store was read: they stay the newest.
      this.jobs = [...restored, ...this.jobs];
      for (const l of this.listeners) l();
    })().catch((err: unknown) => {
      this.restoring = undefined; // e.g. the database was locked: the next call tries again
      throw err;
    });
    return this.restoring;
  }

  /** Resumes the stored jobs a reload cut short (call from one tab: the leader). */
  async resume(): Promise<BroadcastJob[]> {
    await this.restore();
    const cut = this.jobs.filter((j) => j.unfinished());
    for (const job of cut) void job.run();
    return cut;
  }

  /** The newest broadcast (this session's, or the newest stored one), if any. */
  latest(): BroadcastJob | undefined {
    return this.jobs.at(-1);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private add(job: BroadcastJob): void {
    this.jobs.push(job);
    for (const l of this.listeners) l();
  }
}
