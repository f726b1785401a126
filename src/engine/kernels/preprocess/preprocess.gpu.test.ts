// createPreprocessor against the plain-TS reference on seeded frames of awkward sizes, plus the streaming,
// banding and chunking paths and the errors.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test-utils/gpu';
import { pixelValuesReference, QWEN_VIDEO_PROCESSOR, resizeFrameReference } from '../../../test-utils/cpu/preprocess';
import {
  firstDiff,
  randomFrames,
  runPreprocessor,
  type PreprocessRun,
} from '../../../test-utils/cpu/preprocess-gpu-run';
import { readBuffer } from '../../gpu/tensor';
import { createPreprocessor } from './preprocessor';

const QWEN = { processor: QWEN_VIDEO_PROCESSOR };

async function expectMatchesReference(
  frames: Uint8Array[],
  w: number,
  h: number,
  th: number,
  tw: number,
  run?: PreprocessRun,
): Promise<PreprocessRun> {
  const ctx = await testGpu();
  const got = run ?? (await runPreprocessor(ctx, frames, w, h, { height: th, width: tw }));
  const want = frames.map((f) => resizeFrameReference(f, w, h, th, tw));
  got.resized.forEach((f, i) => expect(firstDiff(f, want[i]!), `resized frame ${i}`).toBeNull());
  expect(firstDiff(got.pixelValues, pixelValuesReference(want, th, tw))).toBeNull();
  expect(ctx.errors).toEqual([]);
  return got;
}

describe('createPreprocessor (GPU) against the CPU reference', () => {
  it.each([
    // [what, frames, source w×h, target h×w]
    ['odd sizes, downscale, odd frame count', 3, 131, 77, 56, 84],
    ['16×16 upscaled to min_pixels (smart_resize → 336×336)', 2, 16, 16, 336, 336],
    ['extreme aspect 50:1', 2, 1000, 20, 28, 840],
    ['1920×90 → 588×28 (the 1080p → 588×336 factors), one frame repeated', 1, 1920, 90, 28, 588],
    [
      'a 7680-wide strip → 588 (×13, the 8K factor: 53-tap rows, spans wider than one staged chunk)',
      1,
      7680,
      64,
      28,
      588,
    ],
    ['identity size', 2, 84, 56, 56, 84],
    ['width unchanged', 2, 84, 150, 56, 84],
    ['height unchanged', 2, 150, 56, 56, 84],
  ] as const)('%s', async (_what, n, w, h, th, tw) => {
    await expectMatchesReference(randomFrames(n * 1000 + w, n, w, h), w, h, th, tw);
  });

  it('writes the same values when a frame is uploaded in 3-row bands', async () => {
    const ctx = await testGpu();
    const [w, h] = [61, 97];
    const frames = randomFrames(5, 2, w, h);
    const run = await runPreprocessor(ctx, frames, w, h, { height: 56, width: 56 }, { maxBandBytes: 3 * w * 4 });
    await expectMatchesReference(frames, w, h, 56, 56, run);
  });

  it('rebuilds its per-size scratch when the source size changes between frames', async () => {
    const ctx = await testGpu();
    const a = randomFrames(21, 1, 45, 33)[0]!;
    const b = randomFrames(22, 1, 70, 29)[0]!;
    const pre = createPreprocessor(ctx, { ...QWEN, targetHeight: 28, targetWidth: 56, frames: 2 });
    try {
      const [ra, rb] = await Promise.all([pre.pushFrame(a, 45, 33), pre.pushFrame(b, 70, 29)]);
      const want = [resizeFrameReference(a, 45, 33, 28, 56), resizeFrameReference(b, 70, 29, 28, 56)];
      expect(firstDiff(ra.rgba, want[0]!)).toBeNull();
      expect(firstDiff(rb.rgba, want[1]!)).toBeNull();
      const pv = new Float32Array(await readBuffer(ctx, pre.chunks[0]!.tensor.buffer));
      expect(firstDiff(pv, pixelValuesReference(want, 28, 56))).toBeNull();
    } finally {
      pre.destroy();
    }
    expect(ctx.errors).toEqual([]);
  });

  it('splits pixel_values into chunks of whole temporal patches', async () => {
    const ctx = await testGpu();
    const [w, h] = [45, 33];
    const frames = randomFrames(9, 5, w, h); // T = 3, last frame repeated
    const rowsPerT = (56 / 14) * (84 / 14);
    const run = await runPreprocessor(
      ctx,
      frames,
      w,
      h,
      { height: 56, width: 84 },
      { maxChunkBytes: 2 * rowsPerT * 1176 * 4 + 100 },
    );
    expect(run.chunkRows).toEqual([2 * rowsPerT, rowsPerT]);
    await expectMatchesReference(frames, w, h, 56, 84, run);
  });

  it('plans chunks under the default 128 MiB binding limit: 128 frames at 504×280 (217 MB)', async () => {
    const ctx = await testGpu({ bufferLimits: 'default' });
    const pre = createPreprocessor(ctx, { ...QWEN, targetHeight: 280, targetWidth: 504, frames: 128 });
    try {
      expect(pre.grid).toEqual({ t: 64, h: 20, w: 36 });
      expect(pre.shape).toEqual([64 * 20 * 36, 1176]);
      const bytes = pre.chunks.map((c) => c.tensor.buffer.size);
      expect(bytes.reduce((a, b) => a + b, 0)).toBe(64 * 20 * 36 * 1176 * 4);
      expect(
        bytes.findIndex((b) => b > ctx.limits.maxStorageBufferBindingSize),
        'first index where it fails',
      ).toBe(-1);
      expect(pre.chunks.map((c) => [c.firstTemporal, c.temporalCount])).toEqual([
        [0, 39],
        [39, 25],
      ]);
    } finally {
      pre.destroy();
    }
    expect(ctx.errors).toEqual([]);
  });

  it('rejects bad input with the numbers in the message', async () => {
    const ctx = await testGpu();
    const base = { ...QWEN, frames: 1 };
    expect(() => createPreprocessor(ctx, { ...base, targetHeight: 56, targetWidth: 70 })).toThrow(
      /target 56×70 must be multiples of patch_size·merge_size = 28/,
    );
    expect(() => createPreprocessor(ctx, { ...base, frames: 0, targetHeight: 56, targetWidth: 56 })).toThrow(
      /frames 0 must be a positive integer/,
    );
    const pre = createPreprocessor(ctx, { ...base, targetHeight: 28, targetWidth: 28 });
    try {
      await expect(pre.pushFrame(new Uint8Array(10), 4, 4)).rejects.toThrow(
        /10 bytes for a 4×4 RGBA frame \(need 64\)/,
      );
      await pre.pushFrame(new Uint8Array(64), 4, 4);
      await expect(pre.pushFrame(new Uint8Array(64), 4, 4)).rejects.toThrow(/all 1 frames were already pushed/);
    } finally {
      pre.destroy();
    }
    await expect(pre.pushFrame(new Uint8Array(64), 4, 4)).rejects.toThrow(/destroyed/);
    expect(ctx.errors).toEqual([]);
  });
});
