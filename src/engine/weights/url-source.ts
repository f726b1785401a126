// Checkpoint files under a URL base (a Hugging Face `resolve/<revision>/` URL, or the app's own
// `/models/<name>/`). Large files are read with HTTP Range requests; a dropped connection resumes from the
// last byte received; 5xx/429/network errors are retried with backoff (429/503 wait at least Retry-After).
// A server that ignores Range (200 with the whole body, e.g. `python3 -m http.server`) still works: that
// body is read forward through a WholeBodyFile, in bounded pieces, and `rangeSupported` turns false so the
// UI can say a download from this host cannot resume.
import {
  HttpError,
  MissingFileError,
  NetworkError,
  NetworkUnreachableError,
  RangeNotSupportedError,
  WeightsError,
  isAbortError,
} from './errors';
import { Semaphore, checkRange, type ReadRangeOptions, type WeightSource } from './source';
import { WholeBodyFile } from './whole-body-file';

export interface UrlSourceOptions {
  /** Parallel requests at most (default 4). */
  concurrency?: number;
  /** Consecutive failed attempts allowed per read before giving up (default 5). */
  retries?: number;
  /** First backoff delay; doubles per failed attempt (default 500 ms). */
  retryDelayMs?: number;
  /** Extra request headers (e.g. Authorization for a gated Hugging Face repo). */
  headers?: Record<string, string>;
  /** Injected for tests; defaults to globalThis.fetch. */
  fetch?: typeof fetch;
  /** Injected for tests; defaults to setTimeout. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A ranged read that receives nothing for this long is abandoned and retried (default 10 s). */
  stallMs?: number;
  /** Told when a read stalled (before it is retried), so the UI can say so instead of showing a frozen bar. */
  onStall?: (info: { path: string; idleMs: number; received: number }) => void;
}

/** The watchdog's abort reason: no byte arrived for `stallMs`. */
class StallTimeout extends Error {
  override name = 'StallTimeout';
}

const retryableStatus = (s: number): boolean => s === 408 || s === 429 || s >= 500;

/** Retry-After (seconds or an HTTP date) in ms, capped at a minute; null when absent or unreadable. */
export function retryAfterMs(v: string | null, now = Date.now()): number | null {
  if (!v) return null;
  const ms = /^\d+$/.test(v.trim()) ? Number(v) * 1000 : Date.parse(v) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 60_000) : null;
}

type Attempt<T> = { done: true; value: T } | { done: false; progressed: boolean; why: string; waitMs?: number | null };

/**
 * Single-page-app hosting (and Vite's dev server) answers a missing path with 200 and index.html. No checkpoint
 * file is HTML, so an HTML answer for one means "not there".
 */
function isHtmlFallback(res: Response, path: string): boolean {
  return (
    (res.status === 200 || res.status === 206) &&
    /^text\/html\b/i.test(res.headers.get('Content-Type') ?? '') &&
    !/\.html?$/i.test(path)
  );
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** "bytes 0-99/1234" → {start, end (inclusive), total|null}. */
export function parseContentRange(v: string | null): { start: number; end: number; total: number | null } | null {
  const m = v ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(v.trim()) : null;
  if (!m) return null;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? null : Number(m[3]) };
}

/** The `resolve` base of a Hugging Face model repository ("MBZUAI/Video-R2", revision "main" or a commit). */
export function huggingFaceBase(repo: string, revision = 'main'): string {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo))
    throw new Error(`"${repo}" is not a Hugging Face model id of the form owner/name`);
  return `https://huggingface.co/${repo}/resolve/${encodeURIComponent(revision)}/`;
}

export class UrlSource implements WeightSource {
  readonly label: string;
  private readonly base: string;
  private readonly gate: Semaphore;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly headers: Record<string, string>;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly stallMs: number;
  private readonly onStall: UrlSourceOptions['onStall'];
  /** Per file: the validator and size first seen, so a file replaced mid-load is caught. */
  private readonly seen = new Map<string, { etag: string | null; size: number | null }>();
  /** Files whose server answered a Range request with the whole body. */
  private readonly wholeBody = new Map<string, WholeBodyFile>();

  constructor(base: string, opts: UrlSourceOptions = {}) {
    this.base = base.endsWith('/') ? base : `${base}/`;
    this.label = this.base;
    this.gate = new Semaphore(opts.concurrency ?? 4);
    this.retries = opts.retries ?? 5;
    this.retryDelayMs = opts.retryDelayMs ?? 500;
    this.headers = opts.headers ?? {};
    this.fetchFn = opts.fetch ?? ((...a) => globalThis.fetch(...a));
    this.sleep = opts.sleep ?? defaultSleep;
    this.stallMs = opts.stallMs ?? 10_000;
    this.onStall = opts.onStall;
  }

  url(path: string): string {
    return this.base + path.split('/').map(encodeURIComponent).join('/');
  }

  /** null until a range was read; false once the host answered a Range request with the whole file. */
  get rangeSupported(): boolean | null {
    return this.wholeBody.size > 0 ? false : this.seen.size > 0 ? true : null;
  }

  /** Times whole-body files were requested again from byte 0 (reads out of file order on a host without Range). */
  get wholeBodyReopens(): number {
    return [...this.wholeBody.values()].reduce((a, f) => a + f.reopens, 0);
  }

  /** ETag / size seen for a file so far (recorded in the cache manifest as the source revision). */
  validator(path: string): { etag: string | null; size: number | null } | null {
    return this.seen.get(path) ?? null;
  }

  async knownSize(path: string): Promise<number | null> {
    return this.seen.get(path)?.size ?? null;
  }

  async readText(path: string, signal?: AbortSignal): Promise<string> {
    const t = await this.readTextOptional(path, signal);
    if (t === null) throw new MissingFileError(path, this.label);
    return t;
  }

  async readTextOptional(path: string, signal?: AbortSignal): Promise<string | null> {
    return this.withRetries(path, signal, async () => {
      const res = await this.fetchFn(this.url(path), { headers: this.headers, signal });
      if (res.status === 404 || res.status === 410 || isHtmlFallback(res, path)) {
        await res.body?.cancel();
        return { done: true, value: null };
      }
      if (!res.ok) return this.failed(res, path);
      return { done: true, value: await res.text() };
    });
  }

  async readRange(path: string, start: number, end: number, opts: ReadRangeOptions = {}): Promise<Uint8Array> {
    checkRange(this.label, path, start, end, this.seen.get(path)?.size ?? null);
    const out = new Uint8Array(end - start);
    if (end === start) return out;
    if (this.wholeBody.has(path)) return this.readWhole(path, start, out, 0, opts);
    let received = 0;
    const ranged = await this.gate.run(() =>
      this.withRetries<Uint8Array | 'whole-body'>(path, opts.signal, async () => {
        const from = start + received;
        const watchdog = this.watchdog(path, () => received, opts.signal);
        try {
          const res = await this.fetchFn(this.url(path), {
            headers: { ...this.headers, Range: `bytes=${from}-${end - 1}` },
            signal: watchdog.signal,
          });
          if (res.status === 404 || res.status === 410 || isHtmlFallback(res, path)) {
            await res.body?.cancel();
            throw new MissingFileError(path, this.label);
          }
          if (res.status === 416) {
            await res.body?.cancel();
            throw new NetworkError(
              `${this.url(path)}: bytes ${from}–${end - 1} are past the end of the file (HTTP 416); is the file truncated?`,
            );
          }
          if (res.status === 200 && res.body) {
            this.checkResponse(path, res, 0, Number.MAX_SAFE_INTEGER);
            this.wholeBodyFile(path).adopt(res.body.getReader());
            return { done: true, value: 'whole-body' as const };
          }
          if (res.status !== 206) return this.failed(res, path);
          this.checkResponse(path, res, from, end);
          const body = res.body;
          if (!body) throw new NetworkError(`${this.url(path)}: empty response body`);
          const before = received;
          const reader = body.getReader();
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              watchdog.alive();
              if (received + value.byteLength > out.byteLength) {
                throw new RangeNotSupportedError(
                  this.url(path),
                  `asked for ${end - from} bytes from ${from}, got more`,
                );
              }
              out.set(value, received);
              received += value.byteLength;
              opts.onBytes?.(value.byteLength);
            }
          } catch (e) {
            await reader.cancel().catch(() => undefined);
            if (opts.signal?.aborted || e instanceof WeightsError) throw e;
            // A reset mid-body: resume from the last byte received.
            return { done: false, progressed: received > before, why: String((e as Error)?.message ?? e) };
          } finally {
            reader.releaseLock();
          }
          if (received < out.byteLength)
            return {
              done: false,
              progressed: received > before,
              why: `connection closed after ${received} of ${out.byteLength} bytes`,
            };
          return { done: true, value: out };
        } catch (e) {
          if (watchdog.stalled())
            return { done: false, progressed: start + received > from, why: `no data for ${this.stallMs / 1000} s` };
          throw e;
        } finally {
          watchdog.stop();
        }
      }),
    );
    return ranged === 'whole-body' ? this.readWhole(path, start, out, received, opts) : ranged;
  }

  /**
   * Aborts an attempt that receives nothing for stallMs (a frozen link that neither fails nor closes) and tells
   * onStall; `alive()` after each chunk pushes the deadline back.
   */
  private watchdog(path: string, received: () => number, outer?: AbortSignal) {
    const ac = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = Date.now();
    const arm = (): void => {
      clearTimeout(timer);
      last = Date.now();
      timer = setTimeout(() => {
        this.onStall?.({ path, idleMs: Date.now() - last, received: received() });
        ac.abort(new StallTimeout(`${this.url(path)}: no data for ${this.stallMs} ms`));
      }, this.stallMs);
    };
    arm();
    return {
      signal: outer ? AbortSignal.any([outer, ac.signal]) : ac.signal,
      alive: arm,
      stalled: () => ac.signal.aborted && !outer?.aborted,
      stop: () => clearTimeout(timer),
    };
  }

  private wholeBodyFile(path: string): WholeBodyFile {
    let f = this.wholeBody.get(path);
    if (!f) {
      f = new WholeBodyFile(this.url(path), (signal) => this.openWhole(path, signal));
      this.wholeBody.set(path, f);
    }
    return f;
  }

  /** A fresh whole-body response for a host without Range; retryable failures throw a plain Error. */
  private async openWhole(path: string, signal?: AbortSignal): Promise<ReadableStreamDefaultReader<Uint8Array>> {
    const res = await this.fetchFn(this.url(path), { headers: this.headers, signal });
    if (res.status === 404 || res.status === 410 || isHtmlFallback(res, path)) {
      await res.body?.cancel();
      throw new MissingFileError(path, this.label);
    }
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel();
      if (retryableStatus(res.status)) throw new Error(`HTTP ${res.status}`);
      throw new HttpError(this.url(path), res.status, res.statusText);
    }
    this.checkResponse(path, res, 0, Number.MAX_SAFE_INTEGER);
    return res.body.getReader();
  }

  /** Bytes [start + received, start + out.length) of a file whose host ignores Range, into out[received…]. */
  private readWhole(
    path: string,
    start: number,
    out: Uint8Array,
    received: number,
    opts: ReadRangeOptions,
  ): Promise<Uint8Array> {
    const file = this.wholeBodyFile(path);
    return this.withRetries(path, opts.signal, async () => {
      const before = received;
      const onBytes = (n: number): void => {
        received += n;
        opts.onBytes?.(n);
      };
      try {
        await file.fill(out, received, start + received, onBytes, opts.signal);
        return { done: true, value: out };
      } catch (e) {
        if (isAbortError(e) || e instanceof WeightsError) throw e;
        return { done: false, progressed: received > before, why: String((e as Error)?.message ?? e) };
      }
    });
  }

  /** Validates Content-Range (when the server exposes it) and the file's ETag against the first one seen. */
  private checkResponse(path: string, res: Response, from: number, end: number): void {
    const cr = parseContentRange(res.headers.get('Content-Range'));
    if (res.headers.get('Content-Range') !== null && (!cr || cr.start !== from || cr.end > end - 1)) {
      throw new RangeNotSupportedError(
        this.url(path),
        `asked for bytes ${from}–${end - 1}, got Content-Range "${res.headers.get('Content-Range')}"`,
      );
    }
    const etag = res.headers.get('ETag');
    const length = res.status === 200 ? Number(res.headers.get('Content-Length') ?? NaN) : NaN;
    const size = cr?.total ?? (Number.isSafeInteger(length) ? length : null);
    const prev = this.seen.get(path);
    if (!prev) {
      this.seen.set(path, { etag, size });
      return;
    }
    if ((prev.etag && etag && prev.etag !== etag) || (prev.size !== null && size !== null && prev.size !== size)) {
      throw new NetworkError(
        `${this.url(path)} changed on the server while loading (ETag ${prev.etag} → ${etag}, size ${prev.size} → ${size}); reload to start again`,
      );
    }
    if (prev.size === null && size !== null) prev.size = size;
    if (prev.etag === null && etag !== null) prev.etag = etag;
  }

  private async failed(
    res: Response,
    path: string,
  ): Promise<{ done: false; progressed: false; why: string; waitMs: number | null }> {
    await res.body?.cancel();
    if (retryableStatus(res.status))
      return {
        done: false,
        progressed: false,
        why: `HTTP ${res.status}`,
        waitMs: retryAfterMs(res.headers.get('Retry-After')),
      };
    throw new HttpError(this.url(path), res.status, res.statusText);
  }

  /**
   * Runs one attempt after another until an attempt finishes. An attempt that made progress (received bytes)
   * resets the failure count, so a long download over a flaky link keeps resuming.
   */
  private async withRetries<T>(
    path: string,
    signal: AbortSignal | undefined,
    attempt: () => Promise<Attempt<T>>,
  ): Promise<T> {
    let failures = 0;
    let answered = false; // any HTTP answer at all: then the network is up and the message names the server
    for (;;) {
      signal?.throwIfAborted();
      let why: string;
      let waitMs: number | null = null;
      try {
        const r = await attempt();
        if (r.done) return r.value;
        answered = true;
        if (r.progressed) failures = 0;
        why = r.why;
        waitMs = r.waitMs ?? null;
      } catch (e) {
        if (isAbortError(e) || e instanceof WeightsError) throw e;
        why = String((e as Error)?.message ?? e); // network error (TypeError: Failed to fetch / stream reset)
      }
      failures++;
      if (failures > this.retries) {
        if (!answered) throw new NetworkUnreachableError(this.url(path), failures, why);
        throw new NetworkError(`${this.url(path)}: giving up after ${failures} failed attempts (last: ${why})`);
      }
      await this.sleep(Math.max(this.retryDelayMs * 2 ** (failures - 1), waitMs ?? 0), signal);
    }
  }
}
