// A sampling job whose decoder returns pictures against the container's presentation order (a timing table that
// contradicts the bitstream, as in a fragmented MP4 with a damaged header) ends in CORRUPT_FILE instead of
// handing frames out of order to the engine, and closes every VideoFrame.

import { describe, expect, it } from 'vitest';
import { FrameLedger } from './decode/frame-ledger';
import type { DecoderCallbacks, DecoderFactory } from './decode/frame-decoder';
import { buildSampleTable, summariseTiming } from './demux/sample-table';
import type { DemuxedVideo } from './demux/types';
import { DEFAULT_SAMPLING } from './plan';
import { runSampleJob } from './sampler';
import type { SampledFrame, VideoMetadata } from './types';

const N = 4;
const table = buildSampleTable(
  Array.from({ length: N }, (_, i) => ({ isKey: true, pts: i, duration: 1, visible: true })),
);
const video: DemuxedVideo = {
  container: 'mp4',
  containerLabel: 'MP4',
  codec: 'fake.1',
  description: undefined,
  codedWidth: 16,
  codedHeight: 16,
  rotation: 0,
  colorSpace: undefined,
  table,
  timing: summariseTiming(table, 1),
  warnings: [],
  async *readSamples(from, to) {
    for (let i = from; i <= to; i++) yield { decodeIndex: i, isKey: true, data: new Uint8Array([i]) };
  },
  dispose: () => undefined,
};
const meta = { frameCount: N, averageFps: 1, width: 16, height: 16, codedWidth: 16, codedHeight: 16 } as VideoMetadata;

/** Holds every chunk until flush, then outputs their pictures newest first. */
const reversingDecoder: DecoderFactory = (cb: DecoderCallbacks) => {
  const held: number[] = [];
  return {
    get decodeQueueSize() {
      return 0;
    },
    decode: (chunk) => void held.push(chunk.timestamp),
    flush: async () => {
      for (const t of held.reverse()) {
        const canvas = new OffscreenCanvas(16, 16);
        canvas.getContext('2d')?.fillRect(0, 0, 16, 16);
        cb.output(new VideoFrame(canvas, { timestamp: t }));
      }
      held.length = 0;
    },
    close: () => undefined,
  };
};

describe('runSampleJob', () => {
  it('refuses frames the decoder returns against the container order, naming the frames, and leaks none', async () => {
    const ledger = new FrameLedger();
    const delivered: SampledFrame[] = [];
    const job = runSampleJob({
      video,
      meta,
      decoderConfig: { codec: 'fake.1' },
      request: {
        ...DEFAULT_SAMPLING,
        mode: { kind: 'nframes', nframes: 4 },
        burnTimestamps: false,
        subtitles: null,
        applyRotation: true,
      },
      fontUrl: '',
      ledger,
      signal: new AbortController().signal,
      watchdogMs: 10_000,
      createDecoder: reversingDecoder,
      onPlan: () => undefined,
      onProgress: () => undefined,
      onFrame: async (f) => void delivered.push(f),
    });
    await expect(job).rejects.toMatchObject({
      code: 'CORRUPT_FILE',
      message: expect.stringMatching(/decoder returned frame 3 before frame 0/),
    });
    expect(
      delivered.map((f) => f.ordinal),
      'frames handed on before the refusal',
    ).toEqual([]);
    expect(ledger.closed).toBe(ledger.opened);
  });
});
