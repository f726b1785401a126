// Load progress across every file and tensor: bytes of tensor data delivered vs. the total the model needs.
// A byte counts once even if a tensor is streamed again (e.g. an unquantized re-read), so done ≤ total.

export interface ProgressEvent {
  bytesDone: number;
  bytesTotal: number;
  /** The tensor whose bytes just arrived. */
  tensor: string;
}

export type ProgressListener = (e: ProgressEvent) => void;

export class LoadProgress {
  private done = 0;
  private readonly counted = new Map<string, number>();
  private readonly listeners = new Set<ProgressListener>();

  constructor(readonly bytesTotal: number) {}

  get bytesDone(): number {
    return this.done;
  }

  subscribe(fn: ProgressListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** A counter for a pass over some rows of a tensor: every byte adds (up to the tensor's size). */
  rangeTracker(tensor: string, tensorBytes: number): (n: number) => void {
    return (n: number) => this.add(tensor, Math.min(n, tensorBytes - (this.counted.get(tensor) ?? 0)));
  }

  /** Bytes of a tensor that need no download (already cached): counted as done without a pass. */
  add(tensor: string, n: number): void {
    if (n <= 0) return;
    this.counted.set(tensor, (this.counted.get(tensor) ?? 0) + n);
    this.done += n;
    for (const fn of this.listeners) fn({ bytesDone: this.done, bytesTotal: this.bytesTotal, tensor });
  }

  /** A fresh counter for one pass over a tensor; call it with each increment of bytes received. */
  tracker(tensor: string, tensorBytes: number): (n: number) => void {
    let seen = 0;
    return (n: number) => {
      seen += n;
      const before = this.counted.get(tensor) ?? 0;
      const now = Math.min(seen, tensorBytes);
      if (now <= before) return;
      this.counted.set(tensor, now);
      this.done += now - before;
      for (const fn of this.listeners) fn({ bytesDone: this.done, bytesTotal: this.bytesTotal, tensor });
    };
  }
}
