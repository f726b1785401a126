// Where checkpoint files come from. A WeightSource reads small files whole and large ones by byte range,
// so no caller ever needs a whole multi-GB shard in memory. Implementations: UrlSource (HTTP Range),
// FileListSource / DirectoryHandleSource (a local folder), BytesSource (in-memory files).
import { MissingFileError, WeightsError } from './errors';

export interface ReadRangeOptions {
  signal?: AbortSignal;
  /** Called with each increment of bytes received (for progress). */
  onBytes?: (n: number) => void;
}

export interface WeightSource {
  /** Human-readable origin for messages ("https://…/resolve/main/", "local folder Video-R2"). */
  readonly label: string;
  /** A small file as text; MissingFileError if absent. */
  readText(path: string, signal?: AbortSignal): Promise<string>;
  /** A small file as text, or null if absent (optional files such as generation_config.json). */
  readTextOptional(path: string, signal?: AbortSignal): Promise<string | null>;
  /** Bytes [start, end) of a file, as a fresh Uint8Array of exactly end − start bytes. */
  readRange(path: string, start: number, end: number, opts?: ReadRangeOptions): Promise<Uint8Array>;
  /** The file's size when known without a request (local files), else null. */
  knownSize(path: string): Promise<number | null>;
  /** HTTP sources: false once the host ignored a Range request (reads still work; resume does not). */
  readonly rangeSupported?: boolean | null;
}

/** A counting semaphore: at most `limit` reads in flight per source. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`Semaphore: limit ${limit} must be a positive integer`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export function checkRange(label: string, path: string, start: number, end: number, size: number | null): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new WeightsError(`${label}: bad byte range [${start}, ${end}) of ${path}`);
  }
  if (size !== null && end > size) {
    throw new WeightsError(
      `${path} in ${label} has ${size} bytes, but bytes up to ${end} are needed (is the file truncated?)`,
    );
  }
}

/** Shared logic for sources whose files are Blobs (File objects, OPFS handles, in-memory bytes). */
export abstract class BlobSource implements WeightSource {
  private readonly gate: Semaphore;

  constructor(
    readonly label: string,
    concurrency = 4,
  ) {
    this.gate = new Semaphore(concurrency);
  }

  /** The file as a Blob, or null when it does not exist. */
  protected abstract blob(path: string): Promise<Blob | null>;

  private async require(path: string): Promise<Blob> {
    const b = await this.blob(path);
    if (!b) throw new MissingFileError(path, this.label);
    return b;
  }

  async readText(path: string): Promise<string> {
    return (await this.require(path)).text();
  }

  async readTextOptional(path: string): Promise<string | null> {
    const b = await this.blob(path);
    return b ? b.text() : null;
  }

  async knownSize(path: string): Promise<number | null> {
    return (await this.blob(path))?.size ?? null;
  }

  async readRange(path: string, start: number, end: number, opts: ReadRangeOptions = {}): Promise<Uint8Array> {
    const b = await this.require(path);
    checkRange(this.label, path, start, end, b.size);
    return this.gate.run(async () => {
      opts.signal?.throwIfAborted();
      const bytes = new Uint8Array(await b.slice(start, end).arrayBuffer());
      opts.onBytes?.(bytes.byteLength);
      return bytes;
    });
  }
}

/** Files held in memory (tests, or bytes the app already has). */
export class BytesSource extends BlobSource {
  private readonly files: Map<string, Blob>;

  constructor(files: Record<string, Uint8Array | string>, label = 'in-memory files') {
    super(label);
    this.files = new Map(
      Object.entries(files).map(([k, v]) => [
        k,
        new Blob([typeof v === 'string' ? v : (v as Uint8Array<ArrayBuffer>)]),
      ]),
    );
  }

  protected async blob(path: string): Promise<Blob | null> {
    return this.files.get(path) ?? null;
  }
}
