// A pool of storage buffers reused across runs: a generation allocates its KV cache and activations at the
// sizes of its prompt; the next run with the same settings gets the very same buffers back instead of
// allocating ~1 GB again (allocation churn is what fragments GPU memory into an out-of-memory). Memory stays
// bounded: `sweep()` at the end of each run destroys the free buffers that run did not reuse.

interface Entry {
  buffer: GPUBuffer;
  epoch: number;
}

export class BufferPool {
  private readonly free = new Map<string, Entry[]>();
  private readonly live = new Map<GPUBuffer, Entry>();
  private epoch = 0;

  constructor(private readonly device: GPUDevice) {}

  private static key(size: number, usage: number): string {
    return `${size}:${usage}`;
  }

  acquire(label: string, size: number, usage: number): GPUBuffer {
    const entry = this.free.get(BufferPool.key(size, usage))?.pop();
    const e = entry ?? { buffer: this.device.createBuffer({ label, size, usage }), epoch: this.epoch };
    e.epoch = this.epoch;
    e.buffer.label = label;
    this.live.set(e.buffer, e);
    return e.buffer;
  }

  /** Gives a buffer from `acquire` back; its contents are undefined when it is handed out again. */
  release(buffer: GPUBuffer): void {
    const e = this.live.get(buffer);
    if (!e) throw new Error(`BufferPool.release: ${buffer.label} was not acquired from this pool`);
    this.live.delete(buffer);
    const k = BufferPool.key(buffer.size, buffer.usage);
    let list = this.free.get(k);
    if (!list) this.free.set(k, (list = []));
    list.push(e);
  }

  /** Destroys free buffers not acquired since the previous sweep, then starts a new epoch. */
  sweep(): void {
    for (const [k, list] of this.free) {
      const keep = list.filter((e) => e.epoch === this.epoch);
      for (const e of list) if (e.epoch !== this.epoch) e.buffer.destroy();
      if (keep.length) this.free.set(k, keep);
      else this.free.delete(k);
    }
    this.epoch++;
  }

  /** Destroys every free buffer (unloading a model, or before retrying an allocation that ran out of memory). */
  trim(): void {
    for (const list of this.free.values()) for (const e of list) e.buffer.destroy();
    this.free.clear();
  }

  get freeBytes(): number {
    let n = 0;
    for (const list of this.free.values()) for (const e of list) n += e.buffer.size;
    return n;
  }

  get liveBuffers(): number {
    return this.live.size;
  }

  /** Buffers handed out (live) and kept for reuse (free), by count and bytes: what a leak test watches. */
  stats(): { liveBuffers: number; liveBytes: number; freeBuffers: number; freeBytes: number } {
    let liveBytes = 0;
    for (const b of this.live.keys()) liveBytes += b.size;
    let freeBuffers = 0;
    for (const list of this.free.values()) freeBuffers += list.length;
    return { liveBuffers: this.live.size, liveBytes, freeBuffers, freeBytes: this.freeBytes };
  }
}
