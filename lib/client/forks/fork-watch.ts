// The background side of fork detection and recovery, off the send and receive paths:
// every `checkIntervalMs` (and soon after a commit is applied) it publishes the entries a
// super admin's log holds, asks to be re-added in out-of-sync groups, reads every group's
// commit log (fork-check.ts) and answers the re-add requests it finds (readd.ts).
import type { ClientContext } from "../context";
import type { ReceiveLog } from "../types";
import { runGroupChange } from "../groups/commit";
import { readCommitLogs, type FoundRequest } from "./fork-check";
import { publishPendingEntries } from "./local-log";
import { readdServed, readdTaskFor, requestReadds, stillNeeded } from "./readd";
import { retryWaitingWelcomes } from "./readd-welcome";
import { addMissingCommitLogSigners } from "./log-signer-upgrade";

export interface ForkRecoveryOptions {
  /** How often the commit logs are read while syncing (default 10 s). */
  checkIntervalMs?: number;
  /** How long the n-th allowed member waits, times n, before answering a re-add request (default 15 s). */
  takeoverMs?: number;
  /** How often an out-of-sync installation asks again (default 30 s). */
  requestEveryMs?: number;
}

export interface ForkStats {
  forksDetected: number;
  healed: number;
  readdRequests: number;
  readdsCommitted: number;
  entriesPublished: number;
  /** Groups made before commit logs that this super admin gave a signer. */
  signersAdded: number;
}

export class ForkWatch {
  readonly stats: ForkStats = {
    forksDetected: 0,
    healed: 0,
    readdRequests: 0,
    readdsCommitted: 0,
    entriesPublished: 0,
    signersAdded: 0,
  };
  private readonly interval: number;
  private readonly takeover: number;
  private readonly requestEvery: number;
  private timer?: ReturnType<typeof setTimeout>;
  private running?: Promise<void>;
  private again = false;
  private active = false;
  private readonly lastAsked = new Map<string, number>();
  /** Groups seen holding a commit-log signer (log-signer-upgrade.ts skips them). */
  private readonly withSigner = new Set<string>();
  private readonly tasks = new Map<string, ReturnType<typeof setTimeout> | "running">();

  constructor(
    private readonly ctx: ClientContext,
    opts: ForkRecoveryOptions = {},
    private readonly log?: ReceiveLog,
  ) {
    this.interval = opts.checkIntervalMs ?? 10_000;
    this.takeover = opts.takeoverMs ?? 15_000;
    this.requestEvery = opts.requestEveryMs ?? 30_000;
  }

  start(): void {
    this.active = true;
    this.schedule(0);
  }

  stop(): void {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const t of this.tasks.values()) if (t !== "running") clearTimeout(t);
    this.tasks.clear();
  }

  /** Resolves once no round is running (close() waits for it before closing the database). */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  /** A commit was applied: publish its entry and compare soon. */
  poke(): void {
    if (this.active) this.schedule(300);
  }

  forkDetected(groupId: string): void {
    this.stats.forksDetected++;
    this.lastAsked.delete(groupId);
    this.poke();
  }

  healed(groupId: string): void {
    this.stats.healed++;
    this.lastAsked.delete(groupId);
  }

  /** One round now (tests and `Client.checkCommitLog`); rounds never overlap. */
  async check(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.round().finally(() => (this.running = undefined));
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.check().finally(() => {
        if (this.active && !this.timer) this.schedule(this.interval);
      });
    }, ms);
  }

  private async round(): Promise<void> {
    try {
      this.stats.signersAdded += await addMissingCommitLogSigners(
        this.ctx,
        this.withSigner,
        this.log,
      );
      this.stats.entriesPublished += await publishPendingEntries(this.ctx);
      this.stats.readdRequests += await requestReadds(
        this.ctx,
        this.lastAsked,
        this.requestEvery,
        this.log,
      );
      for (const found of await readCommitLogs(this.ctx, this.log)) await this.consider(found);
      // Re-add welcomes that came before the log entry vouching for them.
      await retryWaitingWelcomes(this.ctx, this.log);
    } catch (err) {
      this.log?.("fork_watch_failed", { error: (err as Error).message });
    }
  }

  private async consider(found: FoundRequest): Promise<void> {
    const task = await readdTaskFor(this.ctx, found.groupId, found.request);
    if (!task) return;
    const key = `${task.groupId}:${task.installation}:${task.leafKey}`;
    if (this.tasks.has(key)) return;
    const run = async () => {
      this.tasks.set(key, "running");
      try {
        if (!(await stillNeeded(this.ctx, task))) {
          await readdServed(this.ctx, task); // another member answered it
          return;
        }
        await runGroupChange(
          this.ctx,
          task.groupId,
          { op: "readd", installation: task.installation, leafKey: task.leafKey },
          this.log,
        );
        this.stats.readdsCommitted++;
        await readdServed(this.ctx, task);
        // The re-added member waits for the log to vouch for its welcome: publish at once.
        this.stats.entriesPublished += await publishPendingEntries(this.ctx);
        this.log?.("readd_committed", { groupId: task.groupId, installation: task.installation });
      } catch (err) {
        this.log?.("readd_failed", { groupId: task.groupId, error: (err as Error).message });
        this.tasks.delete(key); // a later request tries again
      }
    };
    if (task.rank === 0) await run();
    else
      this.tasks.set(
        key,
        setTimeout(() => void run(), task.rank * this.takeover),
      );
  }
}
