// Drives a WebCodecs VideoDecoder over planned runs and streams out exactly the wanted frames.
// - Each chunk's timestamp is its frame index (presentation rank), so output frames identify themselves;
//   samples an edit list hides get negative timestamps and are dropped.
// - Frames nobody asked for are closed on arrival; wanted frames are handed to the consumer one at a time, who
//   must close them through the ledger. Stopping early (return/throw/abort) closes everything still held.
// - Backpressure: at most `maxQueuedChunks` chunks in the decoder and `maxReadyFrames` undelivered frames.
// - Watchdog: if the decoder has work but produces nothing for `watchdogMs` while the consumer is waiting,
//   the stream fails with DECODE_TIMEOUT instead of hanging.

import { MediaError, cancelled } from '../errors';
import type { DemuxedVideo } from '../demux/types';
import { AsyncQueue } from './async-queue';
import type { DecodeRun } from './decode-plan';
import { disposableSampleTest } from './disposable';
import type { FrameLedger } from './frame-ledger';

/** The part of VideoDecoder we use, so tests can substitute a fake. */
export interface DecoderPort {
  readonly decodeQueueSize: number;
  decode(chunk: { type: 'key' | 'delta'; timestamp: number; data: Uint8Array }): void;
  flush(): Promise<void>;
  close(): void;
}

export interface DecoderCallbacks {
  output(frame: VideoFrame): void;
  error(error: unknown): void;
  dequeue(): void;
}

export type DecoderFactory = (callbacks: DecoderCallbacks) => DecoderPort;

/** The real thing: a configured WebCodecs VideoDecoder. */
export function webCodecsDecoder(config: VideoDecoderConfig): DecoderFactory {
  return (cb) => {
    const decoder = new VideoDecoder({ output: cb.output, error: (e) => cb.error(e) });
    decoder.addEventListener('dequeue', () => cb.dequeue());
    decoder.configure(config);
    return {
      get decodeQueueSize() {
        return decoder.decodeQueueSize;
      },
      decode: (c) => decoder.decode(new EncodedVideoChunk(c)),
      flush: () => decoder.flush(),
      close: () => {
        if (decoder.state !== 'closed') decoder.close();
      },
    };
  };
}

export interface DecodeStreamOptions {
  signal: AbortSignal;
  ledger: FrameLedger;
  watchdogMs: number;
  maxQueuedChunks?: number;
  maxReadyFrames?: number;
  /** Skip unwanted H.264 non-reference pictures (default true). */
  skipDisposable?: boolean;
  /** Called after every decoder output (wanted or not). */
  onDecoded?: (decodedSoFar: number) => void;
}

export interface DecodedFrame {
  frameIndex: number;
  frame: VideoFrame;
}

export interface DecodeStats {
  samplesFed: number;
  /** Unwanted non-reference samples not fed at all. */
  samplesSkipped?: number;
  framesDecoded: number;
}

export async function* decodeFrames(
  video: DemuxedVideo,
  createDecoder: DecoderFactory,
  runs: readonly DecodeRun[],
  opts: DecodeStreamOptions,
  stats: DecodeStats,
): AsyncGenerator<DecodedFrame> {
  const { ledger, signal } = opts;
  const maxQueued = opts.maxQueuedChunks ?? 6;
  const maxReady = opts.maxReadyFrames ?? 2;
  const queue = new AsyncQueue<DecodedFrame>();
  const stop = new AbortController();
  let wanted = new Set<number>();
  let lastProgress = performance.now();
  let consumerBusy = false;
  let flushing = false;
  let lastFedDecode = -1;
  let wake: (() => void) | null = null;
  const pulse = () => {
    lastProgress = performance.now();
    const w = wake;
    wake = null;
    w?.();
  };
  const fail = (e: unknown) => {
    queue.fail(e);
    stop.abort(e);
    pulse();
  };

  const decoder = createDecoder({
    output: (frame) => {
      ledger.adopt(frame);
      stats.framesDecoded++;
      const idx = frame.timestamp;
      if (wanted.delete(idx)) queue.push({ frameIndex: idx, frame });
      else ledger.close(frame);
      opts.onDecoded?.(stats.framesDecoded);
      pulse();
    },
    error: (e) => {
      const frame = lastFedDecode >= 0 ? video.table.frameIndexOf[lastFedDecode] : -1;
      fail(
        new MediaError(
          'DECODE_FAILED',
          `The ${video.codec} decoder rejected the video data${frame !== undefined && frame >= 0 ? ` near frame ${frame}` : ''}: the file is probably corrupted.`,
          e instanceof Error ? `${e.name}: ${e.message}` : String(e),
        ),
      );
    },
    dequeue: pulse,
  });

  const onAbort = () => fail(signal.reason instanceof MediaError ? signal.reason : cancelled());
  signal.addEventListener('abort', onAbort);
  const watchdog = setInterval(
    () => {
      const busy = flushing || decoder.decodeQueueSize > 0;
      if (busy && !consumerBusy && queue.length === 0 && performance.now() - lastProgress > opts.watchdogMs) {
        fail(
          new MediaError(
            'DECODE_TIMEOUT',
            `The video decoder stopped responding (no frame for ${Math.round(opts.watchdogMs / 1000)} s). Try another file or browser.`,
            `codec ${video.codec}`,
          ),
        );
      }
    },
    Math.min(1000, opts.watchdogMs / 4),
  );

  const waitUntil = async (ready: () => boolean) => {
    while (!ready() && !stop.signal.aborted) await new Promise<void>((resolve) => (wake = resolve));
    if (stop.signal.aborted) throw stop.signal.reason;
  };

  const disposable = opts.skipDisposable === false ? null : disposableSampleTest(video);
  const produce = async () => {
    for (const run of runs) {
      wanted = new Set(run.frames);
      for await (const sample of video.readSamples(run.fromDecode, run.toDecode, stop.signal)) {
        const frameIndex = video.table.frameIndexOf[sample.decodeIndex] as number;
        if (disposable && !wanted.has(frameIndex) && disposable(sample.data)) {
          stats.samplesSkipped = (stats.samplesSkipped ?? 0) + 1;
          continue;
        }
        await waitUntil(() => decoder.decodeQueueSize < maxQueued && queue.length < maxReady);
        lastFedDecode = sample.decodeIndex;
        try {
          decoder.decode({
            type: sample.isKey ? 'key' : 'delta',
            timestamp: frameIndex >= 0 ? frameIndex : -1 - sample.decodeIndex,
            data: sample.data,
          });
        } catch (e) {
          // Chromium parses each chunk up front: a keyframe whose data is not a keyframe is rejected here.
          throw new MediaError(
            'DECODE_FAILED',
            `The ${video.codec} data of ${sample.isKey ? 'keyframe' : 'frame'} ${frameIndex >= 0 ? frameIndex : `(sample ${sample.decodeIndex})`} is invalid: the file is probably corrupted.`,
            e instanceof Error ? `${e.name}: ${e.message}` : String(e),
          );
        }
        stats.samplesFed++;
        pulse();
      }
      flushing = true;
      pulse();
      await Promise.race([
        decoder.flush(),
        new Promise((_, reject) =>
          stop.signal.addEventListener('abort', () => reject(stop.signal.reason), { once: true }),
        ),
      ]);
      flushing = false;
      if (wanted.size > 0) {
        throw new MediaError(
          'DECODE_FAILED',
          `The decoder produced no picture for frame${wanted.size > 1 ? 's' : ''} ${[...wanted].slice(0, 5).join(', ')}: the file is probably corrupted.`,
        );
      }
    }
    queue.end();
  };
  produce().catch(fail);

  try {
    for (;;) {
      const item = await queue.next();
      if (!item) return;
      consumerBusy = true;
      yield item;
      consumerBusy = false;
      pulse();
    }
  } finally {
    clearInterval(watchdog);
    signal.removeEventListener('abort', onAbort);
    stop.abort(cancelled());
    decoder.close();
    for (const item of queue.drain()) ledger.close(item.frame);
    pulse();
  }
}
