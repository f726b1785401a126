// Pins the YUV→RGB path (VideoFrame.copyTo 'RGBA' in Chromium) against ffmpeg's rgb24 decode of the same files:
// flat 64×64 patches, centre 16×16 averaged. Untagged video must convert like ffmpeg/decord (BT.601 limited),
// tagged BT.709 like its tag. Measured values (Chromium 156, ffmpeg 5.1) are in ARCHITECTURE.md §6.

import { describe, expect, inject, it } from 'vitest';
import { hexRgb } from '../test-utils/hex-rgb';
import { decodeFrames, webCodecsDecoder } from './decode/frame-decoder';
import { planDecodeRuns } from './decode/decode-plan';
import { FrameLedger } from './decode/frame-ledger';
import { openVideoFile } from './demux/open';
import { frameToRgba } from './frame-pixels';
import { decoderConfig } from './metadata';

const fixtures = inject('mediaFixtures');
const W = 256;

async function firstFrameRgb(
  file: string,
  configure: (c: VideoDecoderConfig) => VideoDecoderConfig = (c) => c,
): Promise<Uint8Array> {
  const blob = await (await fetch(fixtures.urlPrefix + file)).blob();
  const signal = new AbortController().signal;
  const video = await openVideoFile(blob, file, () => undefined, signal);
  const ledger = new FrameLedger();
  let rgba: Uint8Array | null = null;
  const frames = decodeFrames(
    video,
    webCodecsDecoder(configure(decoderConfig(video))),
    planDecodeRuns(video.table, [0]),
    { signal, ledger, watchdogMs: 10_000 },
    { samplesFed: 0, framesDecoded: 0 },
  );
  for await (const { frame } of frames) {
    try {
      rgba = (await frameToRgba(frame)).data;
    } finally {
      ledger.close(frame);
    }
  }
  video.dispose();
  expect(ledger.open).toBe(0);
  if (!rgba) throw new Error('no frame');
  return rgba;
}

/** Mean RGB of the centre 16×16 of each of the 8 patches. */
function patchMeans(pixels: Uint8Array, channels: 3 | 4): number[][] {
  return Array.from({ length: 8 }, (_, p) => {
    const x0 = (p % 4) * 64 + 24;
    const y0 = Math.floor(p / 4) * 64 + 24;
    const sum = [0, 0, 0];
    for (let y = y0; y < y0 + 16; y++)
      for (let x = x0; x < x0 + 16; x++)
        for (let c = 0; c < 3; c++) sum[c] = (sum[c] ?? 0) + (pixels[(y * W + x) * channels + c] ?? 0);
    return sum.map((v) => Math.round(v / 256));
  });
}

async function ffmpegMeans(file: string): Promise<number[][]> {
  return patchMeans(new Uint8Array(await (await fetch(`${fixtures.urlPrefix}${file}.frame0.rgb`)).arrayBuffer()), 3);
}

function maxDiff(a: number[][], b: number[][]): number {
  return Math.max(...a.flatMap((row, i) => row.map((v, c) => Math.abs(v - (b[i]?.[c] ?? 0)))));
}

// Source colours: 808080 C02020 20C020 2020C0 E0E040 40E0E0 E040E0 181818.
const UNTAGGED_BT601 = hexRgb('808080 c02120 20c020 1f20be e0e042 40dfe0 e040de 181818');
const TAGGED_BT709 = hexRgb('808080 ce3020 14a720 1c29be e2d742 32d0e0 ec59de 181818');

describe('YUV→RGB (VideoFrame.copyTo RGBA) against ffmpeg rgb24', () => {
  it.each(['colors.mp4', 'colors-vp9.webm', 'colors-av1.mkv'])(
    'untagged %s converts as BT.601 limited, like ffmpeg/decord',
    async (file) => {
      const ours = patchMeans(await firstFrameRgb(file), 4);
      expect(maxDiff(ours, await ffmpegMeans(file))).toBeLessThanOrEqual(3);
      expect(maxDiff(ours, UNTAGGED_BT601)).toBeLessThanOrEqual(2);
    },
  );

  it('untagged H.264 would come out as BT.709 (up to 23 levels off) without our BT.601 override', async () => {
    const ours = patchMeans(await firstFrameRgb('colors.mp4', ({ colorSpace: _, ...c }) => c), 4);
    expect(maxDiff(ours, TAGGED_BT709)).toBeLessThanOrEqual(2);
    expect(maxDiff(ours, await ffmpegMeans('colors.mp4'))).toBeGreaterThan(20);
  });

  it('H.264 tagged BT.709 follows its tag (ffmpeg differs by up to 8 levels in blue)', async () => {
    const ours = patchMeans(await firstFrameRgb('colors-bt709.mp4'), 4);
    expect(maxDiff(ours, TAGGED_BT709)).toBeLessThanOrEqual(2);
    expect(maxDiff(ours, await ffmpegMeans('colors-bt709.mp4'))).toBeLessThanOrEqual(8);
  });
});
