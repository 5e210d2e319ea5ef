// Purges disappearing messages on time: once at start (what expired while the app was
// closed), then with one timer set to the soonest expiry, moved earlier when a message
// that disappears sooner is stored. Views also hide what is due before the purge runs.
import { nextExpiry, purgeExpired } from "../../storage";
import type { ClientContext } from "../context";
import type { ReceiveLog } from "../types";

/** setTimeout's limit is a 32-bit ms count: longer waits are taken in steps. */
const MAX_WAIT_MS = 2 ** 31 - 1;
const nowNs = () => BigInt(Date.now()) * 1_000_000n;

export class Purger {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dueNs: bigint | undefined;
  private unsubscribe: (() => void) | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: ClientContext,
    private readonly log?: ReceiveLog,
  ) {}

  /** Purges now and keeps purging on time until stop(). */
  start(): Promise<void> {
    this.unsubscribe ??= this.ctx.bus.subscribe((m) => {
      if (m.expiresAtNs !== undefined) this.wakeAt(m.expiresAtNs);
    });
    return this.purgeNow();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.dueNs = undefined;
  }

  /** Deletes every message due now; serialised so two wake-ups never race. */
  purgeNow(): Promise<void> {
    this.running = this.running.then(async () => {
      const { deleted } = await purgeExpired(this.ctx.db, nowNs());
      if (deleted > 0) this.log?.("messages_disappeared", { deleted });
      this.dueNs = undefined;
      const next = await nextExpiry(this.ctx.db);
      if (next !== undefined) this.wakeAt(next);
    });
    return this.running;
  }

  private wakeAt(atNs: bigint): void {
    if (this.dueNs !== undefined && this.dueNs <= atNs) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueNs = atNs;
    const waitMs = Number((atNs - nowNs()) / 1_000_000n) + 1;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.dueNs = undefined;
        void this.purgeNow().catch((err: unknown) =>
          this.log?.("purge_failed", { error: (err as Error).message }),
        );
      },
      Math.min(Math.max(waitMs, 0), MAX_WAIT_MS),
    );
  }
}
