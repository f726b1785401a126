// The media worker's message loop, independent of the worker global so it can also run in a page (tests).
// One file at a time: `open` replaces the previous file and cancels whatever was running; `sample` cancels the
// previous sampling job. Every failure becomes a `failed` event with a typed error; nothing is left hanging.

import { FrameLedger } from './decode/frame-ledger';
import type { DemuxedVideo } from './demux/types';
import { openVideoFile } from './demux/open';
import { cancelled, MediaError, toMediaError } from './errors';
import { assertDecodable, describeVideo } from './metadata';
import type { MediaEvent, MediaRequest, ProgressPhase } from './protocol';
import { runSampleJob } from './sampler';
import type { SampledFrame, VideoMetadata } from './types';

type Post = (event: MediaEvent, transfer?: Transferable[]) => void;

interface OpenVideo {
  video: DemuxedVideo;
  meta: VideoMetadata;
  config: VideoDecoderConfig;
}

interface Job {
  id: number;
  abort: AbortController;
  acked: number;
  sent: number;
  window: number;
  wake: (() => void) | null;
}

export interface MediaHostOptions {
  /** No decoder output for this long while work is queued → DECODE_TIMEOUT. */
  watchdogMs?: number;
}

export class MediaWorkerHost {
  readonly ledger = new FrameLedger();
  private current: Promise<OpenVideo> | null = null;
  private openJob: Job | null = null;
  private sampleJob: Job | null = null;

  constructor(
    private readonly post: Post,
    private readonly options: MediaHostOptions = {},
  ) {}

  handle(msg: MediaRequest): void {
    switch (msg.type) {
      case 'open':
        return void this.open(msg.id, msg.file, msg.fileName);
      case 'sample':
        return void this.sample(msg);
      case 'ack':
        return this.ack(msg.id, msg.ordinal);
      case 'cancel':
        for (const job of [this.openJob, this.sampleJob]) if (job?.id === msg.id) job.abort.abort(cancelled());
        return;
      case 'stats':
        return this.post({
          type: 'stats',
          id: msg.id,
          accounting: { framesOpened: this.ledger.opened, framesClosed: this.ledger.closed },
        });
      case 'close':
        return this.closeFile();
    }
  }

  private newJob(id: number, window = 1): Job {
    return { id, abort: new AbortController(), acked: 0, sent: 0, window: Math.max(1, window), wake: null };
  }

  private fail(id: number, e: unknown, context: string): void {
    const error = toMediaError(
      e instanceof DOMException && e.name === 'AbortError' ? cancelled() : e,
      'DECODE_FAILED',
      context,
    );
    this.post({ type: 'failed', id, error: error.toInfo() });
  }

  private closeFile(): void {
    this.openJob?.abort.abort(cancelled());
    this.sampleJob?.abort.abort(cancelled());
    const previous = this.current;
    this.current = null;
    previous?.then((v) => v.video.dispose()).catch(() => undefined);
  }

  private async open(id: number, file: Blob, fileName: string): Promise<void> {
    this.closeFile();
    const job = (this.openJob = this.newJob(id));
    const opening = (async (): Promise<OpenVideo> => {
      const video = await openVideoFile(file, fileName, (f) => this.progress(id, 'index', f), job.abort.signal);
      try {
        if (job.abort.signal.aborted) throw job.abort.signal.reason;
        const config = await assertDecodable(video, fileName);
        return { video, meta: describeVideo(video, fileName, file.size), config };
      } catch (e) {
        video.dispose();
        throw e;
      }
    })();
    this.current = opening;
    try {
      const opened = await opening;
      if (job.abort.signal.aborted) throw job.abort.signal.reason;
      this.post({ type: 'opened', id, metadata: opened.meta });
    } catch (e) {
      if (this.current === opening) this.current = null;
      this.fail(id, e, `"${fileName}" could not be opened`);
    } finally {
      if (this.openJob === job) this.openJob = null;
    }
  }

  private async sample(msg: Extract<MediaRequest, { type: 'sample' }>): Promise<void> {
    this.sampleJob?.abort.abort(cancelled());
    const job = (this.sampleJob = this.newJob(msg.id, msg.window));
    try {
      if (!this.current)
        throw new MediaError('INVALID_OPTIONS', 'No video is open: open a file before sampling frames.');
      const { video, meta, config } = await this.current;
      if (job.abort.signal.aborted) throw job.abort.signal.reason;
      let wanted = 1;
      const summary = await runSampleJob({
        video,
        meta,
        decoderConfig: config,
        request: msg.request,
        fontUrl: msg.fontUrl,
        ledger: this.ledger,
        signal: job.abort.signal,
        watchdogMs: this.options.watchdogMs ?? 30_000,
        onPlan: (plan) => {
          wanted = plan.nframes;
          this.post({ type: 'plan', id: msg.id, plan });
        },
        onProgress: (delivered, decoded) => this.progress(msg.id, 'decode', delivered / wanted, delivered, decoded),
        onFrame: (frame, transfer) => this.send(job, frame, transfer),
      });
      if (job.abort.signal.aborted) throw job.abort.signal.reason;
      this.post({ type: 'done', id: msg.id, summary });
    } catch (e) {
      this.fail(msg.id, e, 'Sampling frames failed');
    } finally {
      if (this.sampleJob === job) this.sampleJob = null;
    }
  }

  /** Posts a frame, then waits until fewer than `window` frames are unacknowledged (or the job ends). */
  private async send(job: Job, frame: SampledFrame, transfer: ArrayBuffer): Promise<void> {
    if (job.abort.signal.aborted) throw job.abort.signal.reason;
    this.post({ type: 'frame', id: job.id, frame }, [transfer]);
    job.sent++;
    while (job.sent - job.acked >= job.window && !job.abort.signal.aborted) {
      await new Promise<void>((resolve) => {
        job.wake = resolve;
        job.abort.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    if (job.abort.signal.aborted) throw job.abort.signal.reason;
  }

  /** Progress, at most every 100 ms (decoder outputs and fragments can arrive thousands of times a second). */
  private lastProgress = 0;
  private progress(
    id: number,
    phase: ProgressPhase,
    fraction: number,
    framesDelivered?: number,
    framesDecoded?: number,
  ): void {
    const now = performance.now();
    if (now - this.lastProgress < 100 && fraction < 1) return;
    this.lastProgress = now;
    this.post(
      phase === 'index'
        ? { type: 'progress', id, phase, fraction }
        : { type: 'progress', id, phase, fraction, framesDelivered, framesDecoded },
    );
  }

  private ack(id: number, _ordinal: number): void {
    const job = this.sampleJob;
    if (job?.id !== id) return;
    job.acked++;
    const wake = job.wake;
    job.wake = null;
    wake?.();
  }
}
