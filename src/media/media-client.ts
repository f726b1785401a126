// The main thread's door to the media worker. One file at a time: `open` replaces the previous file (its pending
// promises reject with CANCELLED), `sample` replaces the previous sampling job. Frames arrive through `onFrame`
// one by one and are acknowledged when the handler settles, so at most `frameWindow` frames are in flight.
// Every request has a progress watchdog: if the worker says nothing about it for `silenceTimeoutMs` (while it
// is not legitimately waiting for us to acknowledge a frame), the worker is taken to be wedged — a demuxer stuck
// in a synchronous loop cannot even read a cancel message — so it is terminated, pending requests reject with
// WORKER_FAILED, and the next call starts a fresh worker. `open` does not wait that long: a busy worker that has
// been silent for `replaceBusyAfterMs` is replaced at once, so a new file never queues behind a wedged one.

import { cancelled, MediaError, type MediaErrorInfo } from './errors';
import type { MediaEvent, MediaRequest } from './protocol';
import type { FrameAccounting, SampledFrame, SampleRequest, SampleSummary, SamplingPlan, VideoMetadata } from './types';

export interface MediaClientOptions {
  createWorker?: () => Worker;
  /** URL of DejaVuSans.ttf for burn-in; defaults to the app's public/fonts copy. */
  fontUrl?: string;
  /** Frames the worker may send before the first is acknowledged. */
  frameWindow?: number;
  /** A request with no word from the worker for this long fails with WORKER_FAILED (the worker is replaced). */
  silenceTimeoutMs?: number;
  /** `open` replaces a worker that is busy and has been silent this long instead of queueing behind it. */
  replaceBusyAfterMs?: number;
}

export interface DecodeProgress {
  fraction: number;
  framesDelivered: number;
  framesDecoded: number;
}

export interface SampleHandlers {
  onPlan?(plan: SamplingPlan): void;
  /** Receives each frame (ownership of `rgba` passes to the handler). Throwing cancels the job. */
  onFrame(frame: SampledFrame): void | Promise<void>;
  onProgress?(progress: DecodeProgress): void;
}

export interface SampleJobHandle {
  readonly id: number;
  readonly done: Promise<SampleSummary>;
  cancel(): void;
}

interface Pending {
  kind: 'open' | 'sample' | 'stats';
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onIndexProgress?: (fraction: number) => void;
  handlers?: SampleHandlers;
  /** Frames are handled strictly one after another. */
  chain?: Promise<void>;
  /** When the worker last said something about this request (or we acknowledged a frame). */
  heardAt: number;
  /** Frames received and not yet acknowledged: the worker is waiting for us, its silence is expected. */
  unacked: number;
}

function defaultWorker(): Worker {
  return new Worker(new URL('../worker/media.worker.ts', import.meta.url), { type: 'module', name: 'media' });
}

function defaultFontUrl(): string {
  return new URL(`${import.meta.env.BASE_URL}fonts/DejaVuSans.ttf`, globalThis.location.href).href;
}

export class MediaClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private silenceTimer: ReturnType<typeof setInterval> | null = null;
  private readonly options: Required<MediaClientOptions>;

  constructor(options: MediaClientOptions = {}) {
    this.options = {
      createWorker: options.createWorker ?? defaultWorker,
      fontUrl: options.fontUrl ?? defaultFontUrl(),
      frameWindow: options.frameWindow ?? 2,
      // Longer than the worker's own decoder watchdog (30 s), which reports a stuck decoder more precisely.
      silenceTimeoutMs: options.silenceTimeoutMs ?? 45_000,
      replaceBusyAfterMs: options.replaceBusyAfterMs ?? 2_000,
    };
  }

  /** Opens (indexes) a file, replacing the previous one. */
  open(
    file: Blob,
    options: { fileName?: string; onProgress?: (fraction: number) => void } = {},
  ): Promise<VideoMetadata> {
    const now = performance.now();
    const stuck = [...this.pending.values()].some(
      (p) => p.unacked === 0 && now - p.heardAt > this.options.replaceBusyAfterMs,
    );
    this.cancelKinds(['open', 'sample']);
    if (stuck) this.replaceWorker();
    const fileName = options.fileName ?? (file instanceof File ? file.name : 'video');
    return this.request<VideoMetadata>('open', (id) => ({ type: 'open', id, file, fileName }), {
      onIndexProgress: options.onProgress,
      unacked: 0,
    });
  }

  /** Samples frames from the open file, replacing any running sampling job. */
  sample(request: SampleRequest, handlers: SampleHandlers): SampleJobHandle {
    this.cancelKinds(['sample']);
    let id = 0;
    const done = this.request<SampleSummary>(
      'sample',
      (assigned) => {
        id = assigned;
        return {
          type: 'sample',
          id: assigned,
          request,
          fontUrl: this.options.fontUrl,
          window: this.options.frameWindow,
        };
      },
      { handlers, chain: Promise.resolve(), unacked: 0 },
    );
    return { id, done, cancel: () => this.cancel(id) };
  }

  /** VideoFrames opened/closed inside the worker so far. */
  accounting(): Promise<FrameAccounting> {
    return this.request<FrameAccounting>('stats', (id) => ({ type: 'stats', id }), { unacked: 0 });
  }

  /** Cancels one request, or everything running. */
  cancel(id?: number): void {
    for (const [pid, p] of [...this.pending]) {
      if (id !== undefined && pid !== id) continue;
      if (p.kind === 'stats') continue;
      this.settle(pid)?.reject(cancelled());
      this.worker?.postMessage({ type: 'cancel', id: pid } satisfies MediaRequest);
    }
  }

  /** Drops the open file and stops the worker. */
  dispose(): void {
    this.cancel();
    this.failAll(new MediaError('CANCELLED', 'The media client was disposed.'));
    this.worker?.terminate();
    this.worker = null;
  }

  private cancelKinds(kinds: Pending['kind'][]): void {
    for (const [id, p] of this.pending) if (kinds.includes(p.kind)) this.cancel(id);
  }

  private request<T>(
    kind: Pending['kind'],
    build: (id: number) => MediaRequest,
    extra: Partial<Pending> & { unacked: number },
  ): Promise<T> {
    const id = this.nextId++;
    const message = build(id);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, {
        kind,
        resolve: resolve as (v: unknown) => void,
        reject,
        heardAt: performance.now(),
        ...extra,
      });
      this.startWatchdog();
      try {
        this.ensureWorker().postMessage(message);
      } catch (e) {
        this.settle(id);
        reject(new MediaError('WORKER_FAILED', 'The media worker could not be started.', String(e)));
      }
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.options.createWorker();
    worker.onmessage = (e: MessageEvent<MediaEvent>) => this.onEvent(e.data);
    worker.onerror = (e) => {
      e.preventDefault?.();
      this.crash(`The media worker crashed: ${e.message || 'unknown error'}.`);
    };
    worker.onmessageerror = () => this.crash('The media worker sent a message that could not be read.');
    this.worker = worker;
    return worker;
  }

  /** One timer while anything is pending: fails every request when one of them has been silent too long. */
  private startWatchdog(): void {
    const tick = Math.max(50, Math.min(1000, this.options.silenceTimeoutMs / 4));
    this.silenceTimer ??= setInterval(() => {
      const now = performance.now();
      const silent = [...this.pending.values()].find(
        (p) => p.unacked === 0 && now - p.heardAt > this.options.silenceTimeoutMs,
      );
      if (silent) {
        const seconds = Math.round(this.options.silenceTimeoutMs / 100) / 10;
        const what =
          silent.kind === 'open' ? 'reading the file' : silent.kind === 'sample' ? 'decoding frames' : 'answering';
        this.crash(
          `The media worker stopped responding while ${what} (no progress for ${seconds} s) and was stopped; the file may be damaged in a way the demuxer cannot handle.`,
        );
      }
    }, tick);
  }

  /** Terminates the worker without failing anything (callers have settled what was pending). */
  private replaceWorker(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  private crash(message: string): void {
    this.replaceWorker();
    this.failAll(new MediaError('WORKER_FAILED', `${message} Try again; the next request starts a fresh worker.`));
  }

  private failAll(error: MediaError): void {
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(error);
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0 && this.silenceTimer !== null) {
      clearInterval(this.silenceTimer);
      this.silenceTimer = null;
    }
    return p;
  }

  private onEvent(event: MediaEvent): void {
    const p = this.pending.get(event.id);
    if (!p) return; // superseded or cancelled
    p.heardAt = performance.now();
    switch (event.type) {
      case 'progress':
        if (event.phase === 'index') p.onIndexProgress?.(event.fraction);
        else
          p.handlers?.onProgress?.({
            fraction: event.fraction,
            framesDelivered: event.framesDelivered ?? 0,
            framesDecoded: event.framesDecoded ?? 0,
          });
        return;
      case 'opened':
        return void this.settle(event.id)?.resolve(event.metadata);
      case 'stats':
        return void this.settle(event.id)?.resolve(event.accounting);
      case 'plan':
        return p.handlers?.onPlan?.(event.plan);
      case 'frame':
        p.unacked++;
        p.chain = (p.chain ?? Promise.resolve()).then(() => this.deliver(event.id, p, event.frame));
        return;
      case 'done':
        // Resolve after every frame handler has run.
        void (p.chain ?? Promise.resolve()).then(() => this.settle(event.id)?.resolve(event.summary));
        return;
      case 'failed':
        return void this.settle(event.id)?.reject(MediaError.fromInfo(event.error as MediaErrorInfo));
    }
  }

  private async deliver(id: number, p: Pending, frame: SampledFrame): Promise<void> {
    if (this.pending.get(id) !== p) return;
    try {
      await p.handlers?.onFrame(frame);
      p.unacked--;
      p.heardAt = performance.now();
      this.worker?.postMessage({ type: 'ack', id, ordinal: frame.ordinal } satisfies MediaRequest);
    } catch (e) {
      this.settle(id);
      this.worker?.postMessage({ type: 'cancel', id } satisfies MediaRequest);
      // The handler's own error (e.g. the engine refusing a frame) is the cause: never a cancellation.
      p.reject(e);
    }
  }
}
