// At most `size` tasks at once, the rest wait in arrival order (FIFO, so no stream
// starves). The engine runs every stream query through one, so thousands of
// filters cannot queue thousands of queries ahead of other clients' requests.
export class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next)
        next(); // the slot passes straight to the next waiter
      else this.free++;
    }
  }
}
