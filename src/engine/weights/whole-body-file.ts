// One file from a server that ignores Range (answers 200 with the whole body; e.g. `python3 -m http.server`).
// Byte ranges are served from a single forward-only stream reader: bytes before the wanted range are discarded
// as they pass, the wanted ones copied out, and at most one network chunk is kept between reads — never the
// whole file. A read behind the reader's position re-opens the stream from byte 0, so callers get the cheapest
// order by asking in file order; queued reads are served lowest offset first to keep re-opens rare.
import { WeightsError } from './errors';

export class WholeBodyFile {
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  /** File offset of the next byte the reader (or `leftover`) yields. */
  private pos = 0;
  private leftover: Uint8Array | null = null;
  private busy = false;
  private readonly queue: { start: number; go: () => void }[] = [];
  /** Times the body had to be requested again from byte 0 (a read behind the position, or a dropped link). */
  reopens = 0;

  constructor(
    private readonly what: string,
    /** Starts a fresh whole-body response (retries and status checks are the caller's). */
    private readonly open: (signal?: AbortSignal) => Promise<ReadableStreamDefaultReader<Uint8Array>>,
  ) {}

  /** Takes over a 200 response already received (so its bytes are not requested twice). */
  adopt(reader: ReadableStreamDefaultReader<Uint8Array>): void {
    this.reader = reader;
    this.pos = 0;
    this.leftover = null;
  }

  /** Serialises reads on the one stream; the waiting read with the lowest offset ≥ position goes next. */
  private async turn(start: number): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return;
    }
    await new Promise<void>((go) => this.queue.push({ start, go }));
  }

  private release(): void {
    if (this.queue.length === 0) {
      this.busy = false;
      return;
    }
    const ahead = this.queue.filter((q) => q.start >= this.pos);
    const pick = (ahead.length ? ahead : this.queue).reduce((a, b) => (b.start < a.start ? b : a));
    this.queue.splice(this.queue.indexOf(pick), 1);
    pick.go();
  }

  /** Drops the stream (after an error or abort); the next read re-opens it. */
  async reset(): Promise<void> {
    const r = this.reader;
    this.reader = null;
    this.leftover = null;
    await r?.cancel().catch(() => undefined);
  }

  /**
   * Copies file bytes [filePos, filePos + out.length − at) into out[at…] and returns how many were copied. On a
   * network error it throws, leaving the prefix copied so far (reported through onBytes) for a retry to extend.
   */
  async fill(
    out: Uint8Array,
    at: number,
    filePos: number,
    onBytes?: (n: number) => void,
    signal?: AbortSignal,
  ): Promise<number> {
    await this.turn(filePos);
    const first = at;
    try {
      while (at < out.byteLength) {
        signal?.throwIfAborted();
        if (!this.reader || this.pos > filePos) {
          await this.reset();
          this.reader = await this.open(signal);
          this.pos = 0;
          this.reopens++;
        }
        let chunk = this.leftover;
        this.leftover = null;
        if (!chunk) {
          const { done, value } = await this.reader.read();
          if (done)
            throw new WeightsError(
              `${this.what} ended after ${this.pos} bytes, but bytes up to ${filePos + out.byteLength - at} are needed (is the file truncated?)`,
            );
          chunk = value;
        }
        const chunkEnd = this.pos + chunk.byteLength;
        if (chunkEnd <= filePos) {
          this.pos = chunkEnd; // before the wanted range: passes through, not kept
          continue;
        }
        const skip = filePos - this.pos;
        const take = Math.min(chunk.byteLength - skip, out.byteLength - at);
        out.set(chunk.subarray(skip, skip + take), at);
        at += take;
        filePos += take;
        onBytes?.(take);
        if (skip + take < chunk.byteLength) this.leftover = chunk.subarray(skip + take);
        this.pos = filePos; // the leftover, if any, starts here
      }
      return at - first;
    } catch (e) {
      await this.reset();
      throw e;
    } finally {
      this.release();
    }
  }
}
