// A small single-consumer async queue: producers push from callbacks, the consumer awaits items; `fail` and
// `end` wake the consumer. Used to turn VideoDecoder's output callback into an async stream.

export class AsyncQueue<T> {
  private items: T[] = [];
  private waiter: (() => void) | null = null;
  private error: unknown = null;
  private ended = false;

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(error: unknown): void {
    if (this.error === null) this.error = error;
    this.wake();
  }

  /** Removes and returns everything still queued (for cleanup). */
  drain(): T[] {
    const out = this.items;
    this.items = [];
    return out;
  }

  /** Next item, or null when ended; throws the failure, if any. */
  async next(): Promise<T | null> {
    for (;;) {
      if (this.error !== null) throw this.error;
      const item = this.items.shift();
      if (item !== undefined) return item;
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
