// Group commit in the node: sends that arrive while the database is busy with earlier
// ones are merged into one statement (one transaction, one commit), so many clients
// sending one message each cost the database about what one client sending a batch
// does. At most `slots` statements run at once; whatever waits meanwhile goes together
// in the next, up to `maxItems`. A statement beyond the first opens only for a queue of
// `extraSlotItems` or more: single sends then wait for the running statement and go
// together, instead of one of them taking the free slot alone. Each caller gets back exactly the results of its own
// items, in its order. A merged statement that fails is retried request by request,
// so one request's failure never becomes another's.
export interface BatcherOptions<I> {
  /** Statements in flight at once. */
  slots: number;
  /**
   * Items that must wait before a statement opens while another runs (default 1): on
   * PostgreSQL a statement costs the node ~0.5 ms of CPU whatever it carries, so a second
   * slot taken by every lone send doubled the statements of 8 clients sending one message
   * each (bench/README.md, session 12); batched requests still fill both slots.
   */
  extraSlotItems?: number;
  /** Items merged into one statement at most (a single request may exceed it alone). */
  maxItems: number;
  /** Bytes merged into one statement at most (idem), so merging never grows a statement past a few requests' worth. */
  maxBytes: number;
  bytes: (item: I) => number;
  /**
   * What a request holds exclusively in its statement (e.g. rate-limit buckets, which one
   * statement cannot update twice): a request claiming what the statement already holds
   * waits for the next one.
   */
  claims?: (items: I[]) => readonly string[];
}

interface Waiting<I, R> {
  items: I[];
  bytes: number;
  claims: readonly string[];
  resolve: (rows: R[]) => void;
  reject: (err: unknown) => void;
}

export class Batcher<I, R> {
  private readonly queue: Waiting<I, R>[] = [];
  /** Items in the queue. */
  private waiting = 0;
  private running = 0;

  constructor(
    /** Stores items all-or-nothing; returns one result per item, in order. */
    private readonly run: (items: I[]) => Promise<R[]>,
    private readonly opts: BatcherOptions<I>,
  ) {}

  submit(items: I[]): Promise<R[]> {
    const bytes = items.reduce((n, i) => n + this.opts.bytes(i), 0);
    return new Promise<R[]>((resolve, reject) => {
      const claims = this.opts.claims?.(items) ?? [];
      this.queue.push({ items, bytes, claims, resolve, reject });
      this.waiting += items.length;
      this.pump();
    });
  }

  private pump(): void {
    const extra = this.opts.extraSlotItems ?? 1;
    while (
      this.running < this.opts.slots &&
      this.queue.length > 0 &&
      (this.running === 0 || this.waiting >= extra)
    ) {
      const batch: Waiting<I, R>[] = [this.queue.shift()!];
      let n = batch[0]!.items.length;
      let bytes = batch[0]!.bytes;
      const claimed = new Set(batch[0]!.claims);
      const fits = (w: Waiting<I, R>) =>
        n + w.items.length <= this.opts.maxItems &&
        bytes + w.bytes <= this.opts.maxBytes &&
        !w.claims.some((c) => claimed.has(c));
      // In arrival order: a request that does not fit ends the statement (none overtakes it).
      while (this.queue.length > 0 && fits(this.queue[0]!)) {
        const next = this.queue.shift()!;
        n += next.items.length;
        bytes += next.bytes;
        for (const c of next.claims) claimed.add(c);
        batch.push(next);
      }
      this.waiting -= n;
      this.running++;
      let freed = false;
      const free = () => {
        if (freed) return;
        freed = true;
        this.running--;
        this.pump();
      };
      void this.execute(batch, free).finally(free);
    }
  }

  /**
   * Runs one statement; `free` hands its slot to the next one as soon as its rows are in,
   * before its callers resume: with one statement in flight, the database would otherwise
   * sit idle while the node answers them.
   */
  private async execute(batch: Waiting<I, R>[], free: () => void): Promise<void> {
    if (batch.length === 1) {
      const [only] = batch;
      await this.run(only!.items).then(
        (rows) => {
          free();
          only!.resolve(rows);
        },
        (err: unknown) => {
          free();
          only!.reject(err);
        },
      );
      return;
    }
    let rows: R[];
    try {
      rows = await this.run(batch.flatMap((w) => w.items));
    } catch {
      // Alone, each request succeeds or fails on its own merits (still in this slot).
      await Promise.all(batch.map((w) => this.run(w.items).then(w.resolve, w.reject)));
      return;
    }
    free();
    let at = 0;
    for (const w of batch) {
      w.resolve(rows.slice(at, at + w.items.length));
      at += w.items.length;
    }
  }
}
