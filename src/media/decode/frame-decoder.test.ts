// The decode driver against fake decoders (no WebCodecs in Node): wanted frames only, every frame closed on
// every exit path, watchdog instead of a hang, decoder errors surfaced as DECODE_FAILED.

import { describe, expect, it } from 'vitest';
import { MediaError } from '../errors';
import { buildSampleTable, summariseTiming, type RawSample } from '../demux/sample-table';
import type { DemuxedVideo } from '../demux/types';
import { planDecodeRuns } from './decode-plan';
import { decodeFrames, type DecoderCallbacks, type DecoderFactory, type DecodeStats } from './frame-decoder';
import { FrameLedger } from './frame-ledger';

function fakeVideo(frames: number, gop: number): DemuxedVideo {
  const raw: RawSample[] = Array.from({ length: frames }, (_, i) => ({
    isKey: i % gop === 0,
    pts: i / 30,
    duration: 1 / 30,
    visible: true,
  }));
  const table = buildSampleTable(raw);
  return {
    container: 'mp4',
    containerLabel: 'MP4',
    codec: 'fake.1',
    description: undefined,
    codedWidth: 4,
    codedHeight: 4,
    rotation: 0,
    colorSpace: undefined,
    table,
    timing: summariseTiming(table),
    warnings: [],
    async *readSamples(from, to) {
      for (let i = from; i <= to; i++)
        yield { decodeIndex: i, isKey: raw[i]?.isKey ?? false, data: new Uint8Array([i & 255]) };
    },
    dispose: () => undefined,
  };
}

class FakeFrame {
  format: string | null = 'I420';
  constructor(readonly timestamp: number) {}
  close() {
    this.format = null;
  }
}

type Mode = 'ok' | 'stuck' | 'error-at-3';

/** Outputs one frame per chunk (no reordering), asynchronously, like a zero-latency decoder. */
function fakeDecoder(mode: Mode, made: FakeFrame[]): DecoderFactory {
  return (cb: DecoderCallbacks) => {
    let queued = 0;
    let closed = false;
    let pending = Promise.resolve();
    return {
      get decodeQueueSize() {
        return queued;
      },
      decode(chunk) {
        queued++;
        if (mode === 'stuck') return;
        pending = pending.then(async () => {
          await new Promise((r) => setTimeout(r, 0));
          if (closed) return;
          queued--;
          cb.dequeue();
          if (mode === 'error-at-3' && chunk.timestamp === 3)
            return cb.error(new DOMException('Decoding error.', 'EncodingError'));
          const f = new FakeFrame(chunk.timestamp);
          made.push(f);
          cb.output(f as unknown as VideoFrame);
        });
      },
      flush: () => (mode === 'stuck' ? new Promise<void>(() => undefined) : pending),
      close: () => {
        closed = true;
      },
    };
  };
}

async function collect(mode: Mode, targets: number[], stopAfter = Infinity, watchdogMs = 5000) {
  const video = fakeVideo(60, 10);
  const ledger = new FrameLedger();
  const made: FakeFrame[] = [];
  const stats: DecodeStats = { samplesFed: 0, framesDecoded: 0 };
  const got: number[] = [];
  let error: unknown = null;
  try {
    for await (const { frameIndex, frame } of decodeFrames(
      video,
      fakeDecoder(mode, made),
      planDecodeRuns(video.table, targets),
      { signal: new AbortController().signal, ledger, watchdogMs },
      stats,
    )) {
      got.push(frameIndex);
      ledger.close(frame);
      if (got.length >= stopAfter) break;
    }
  } catch (e) {
    error = e;
  }
  return { got, ledger, made, stats, error };
}

/** Every frame the decoder made was closed (format null), and the ledger holds none open. */
function expectAllClosed(r: Awaited<ReturnType<typeof collect>>): void {
  expect(r.ledger.open, 'frames the ledger still holds open').toBe(0);
  expect(
    r.made.flatMap((f, i) => (f.format !== null ? [i] : [])),
    'frames made but never closed',
  ).toEqual([]);
}

describe('decodeFrames', () => {
  it('delivers exactly the wanted frames and decodes only their GOPs', async () => {
    const r = await collect('ok', [3, 27, 45]);
    expect(r.error).toBeNull();
    expect(r.got).toEqual([3, 27, 45]);
    expect(r.stats.samplesFed).toBe(4 + 8 + 6); // 0..3, 20..27, 40..45
    expect(r.ledger.opened).toBe(r.made.length);
    expectAllClosed(r);
  });

  it('closes every frame when the consumer stops early', async () => {
    const r = await collect('ok', [1, 2, 3, 4, 5, 6, 7, 8], 2);
    expect(r.got).toEqual([1, 2]);
    expectAllClosed(r);
  });

  it('turns a decoder error into DECODE_FAILED and closes what it holds', async () => {
    const r = await collect('error-at-3', [2, 5]);
    expect(r.error).toBeInstanceOf(MediaError);
    expect((r.error as MediaError).code).toBe('DECODE_FAILED');
    expect(r.ledger.open).toBe(0);
  });

  it('fails with DECODE_TIMEOUT instead of hanging when the decoder stalls', async () => {
    const r = await collect('stuck', [5], Infinity, 200);
    expect((r.error as MediaError).code).toBe('DECODE_TIMEOUT');
    expect(r.ledger.open).toBe(0);
  });

  it('stops with CANCELLED when the caller aborts', async () => {
    const video = fakeVideo(60, 10);
    const ledger = new FrameLedger();
    const abort = new AbortController();
    const stream = decodeFrames(
      video,
      fakeDecoder('stuck', []),
      planDecodeRuns(video.table, [5]),
      { signal: abort.signal, ledger, watchdogMs: 60_000 },
      { samplesFed: 0, framesDecoded: 0 },
    );
    setTimeout(() => abort.abort(), 20);
    await expect(stream.next()).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
