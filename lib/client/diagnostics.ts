// Counters of what the receive path refused, per client: an attack or a bug that drops
// messages shows up here (and in the ReceiveLog), not only as silence in a thread.

/** Why an envelope or message was dropped: an MLS error code, or a receive-path reason. */
export type DropReason = string;

export class Diagnostics {
  private readonly dropped = new Map<DropReason, number>();

  drop(reason: DropReason): void {
    this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + 1);
  }

  /** Dropped envelopes by reason since this client started. */
  snapshot(): Record<DropReason, number> {
    return Object.fromEntries(this.dropped);
  }
}
